-- Each customer's orders numbered in time with running totals (bench/pipelines/customer-order-ranks.flint.yaml).
SELECT *,
       row_number() OVER w AS order_seq,
       sum(amount) OVER w AS running_amount,
       count(order_id) OVER w AS running_orders
FROM orders
WHERE status <> 'cancelled'
WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at, order_id
             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
