{{ config(tags=["hourly"]) }}
select
  order_id,
  line_no,
  product_id,
  quantity,
  cast(unit_price as double precision) * quantity * (1 - coalesce(discount, 0)) as amount
from {{ source('bronze', 'shop__order_lines') }}
