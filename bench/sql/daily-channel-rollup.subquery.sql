-- The same as daily-channel-rollup.sql with the derived columns named in a subquery, as the
-- pipeline's derive node names them: only its plan is compared (bench_plans.py).
SELECT day, channel, status, band,
       count(*) AS orders,
       sum(quantity) AS units,
       round(sum(revenue), 2) AS revenue,
       avg(amount) AS avg_amount,
       count(DISTINCT customer_id) AS customers
FROM (
  SELECT *,
         to_date(ordered_at) AS day,
         amount * quantity AS revenue,
         CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 20 THEN 'medium' ELSE 'small' END AS band
  FROM orders
)
GROUP BY day, channel, status, band
