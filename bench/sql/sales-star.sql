-- Weekday revenue per quarter, region and category over a star schema (bench/pipelines/sales-star.flint.yaml).
SELECT d.year,
       d.quarter,
       s.region,
       p.category,
       count(*) AS sales,
       sum(f.quantity) AS units,
       sum(f.quantity * f.unit_price) AS revenue,
       count(DISTINCT f.store_id) AS stores
FROM sales AS f
JOIN products AS p ON f.product_id = p.product_id
JOIN stores AS s ON f.store_id = s.store_id
JOIN dates AS d ON f.date_key = d.date_key
WHERE NOT d.is_weekend
GROUP BY d.year, d.quarter, s.region, p.category
