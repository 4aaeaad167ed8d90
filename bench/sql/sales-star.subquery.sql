-- The same as sales-star.sql with revenue named in a subquery, as the pipeline's derive node
-- names it: only its plan is compared (bench_plans.py).
SELECT year, quarter, region, category,
       count(*) AS sales,
       sum(quantity) AS units,
       sum(revenue) AS revenue,
       count(DISTINCT store_id) AS stores
FROM (
  SELECT f.*, p.category, s.region, d.year, d.quarter, f.quantity * f.unit_price AS revenue
  FROM sales AS f
  JOIN products AS p ON f.product_id = p.product_id
  JOIN stores AS s ON f.store_id = s.store_id
  JOIN dates AS d ON f.date_key = d.date_key
  WHERE NOT d.is_weekend
)
GROUP BY year, quarter, region, category
