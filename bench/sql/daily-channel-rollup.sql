-- Orders per day, channel, status and size band (bench/pipelines/daily-channel-rollup.flint.yaml).
SELECT to_date(ordered_at) AS day,
       channel,
       status,
       CASE WHEN amount >= 100 THEN 'large' WHEN amount >= 20 THEN 'medium' ELSE 'small' END AS band,
       count(*) AS orders,
       sum(quantity) AS units,
       round(sum(amount * quantity), 2) AS revenue,
       avg(amount) AS avg_amount,
       count(DISTINCT customer_id) AS customers
FROM orders
GROUP BY 1, 2, 3, 4
