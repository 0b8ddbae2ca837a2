{{
  config(
    materialized='incremental',
    unique_key='event_id',
    tags=["hourly"]
  )
}}
-- Incremental: only events past the newest one already built.
select
  id as event_id,
  occurred_at,
  customer_id,
  kind
from {{ source('bronze', 'shop__events') }}
{% if is_incremental() %}
where occurred_at > (select max(occurred_at) from {{ this }})
{% endif %}
