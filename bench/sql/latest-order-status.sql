-- The latest update of each order (bench/pipelines/latest-order-status.flint.yaml).
SELECT order_id, status, amount, source, updated_at
FROM (
  SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) AS rn
  FROM order_updates
)
WHERE rn = 1
