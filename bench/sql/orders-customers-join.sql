-- Shipped orders of adult customers in three countries (bench/pipelines/orders-customers-join.flint.yaml).
SELECT o.order_id,
       o.customer_id,
       c.name AS customer_name,
       c.country,
       c.segment,
       o.amount,
       o.ordered_at
FROM orders AS o
JOIN customers AS c ON o.customer_id = c.customer_id
WHERE o.status = 'shipped'
  AND o.amount > 10
  AND c.age >= 18
  AND c.country IN ('DE', 'FR', 'US')
