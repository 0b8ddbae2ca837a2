-- Untagged: runs daily, after the hourly staging models it reads.
select
  c.country,
  count(distinct o.order_id) as orders,
  sum(o.total) as revenue
from {{ ref('stg_orders') }} o
join {{ ref('stg_customers') }} c using (customer_id)
group by c.country
