{{ config(tags=["daily"]) }}
-- Customers change slowly and load daily; no personal data past staging.
select
  id as customer_id,
  country,
  created_at,
  is_active
from {{ source('bronze', 'shop__customers') }}
