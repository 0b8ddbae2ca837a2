{{ config(tags=["hourly"]) }}
-- Orders as loaded hourly, with the total as a plain number.
select
  id as order_id,
  customer_id,
  ordered_at,
  status,
  cast(total as double precision) as total
from {{ source('bronze', 'shop__orders') }}
