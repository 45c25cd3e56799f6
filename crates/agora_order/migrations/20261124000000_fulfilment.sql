-- After the sale: fulfilment, cancellation and refunds of paid orders, and what the seller overview reads.

ALTER TABLE orders ADD COLUMN paid_at BIGINT;
ALTER TABLE orders ADD COLUMN shipped_at BIGINT;
ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_number TEXT;
ALTER TABLE orders ADD COLUMN delivered_at BIGINT;
ALTER TABLE orders ADD COLUMN cancelled_at BIGINT;
-- buyer | seller | admin; NULL when the checkout's flow cancelled it (before payment)
ALTER TABLE orders ADD COLUMN cancelled_by TEXT;
ALTER TABLE orders ADD COLUMN cancel_reason TEXT;
-- The amount payment gives back for a cancelled paid order, and when it confirmed doing so
ALTER TABLE orders ADD COLUMN refund_minor BIGINT;
ALTER TABLE orders ADD COLUMN refunded_at BIGINT;

UPDATE orders SET paid_at = (SELECT MIN(e.at) FROM order_events e WHERE e.order_id = orders.id AND e.kind = 'paid')
WHERE status = 'paid';

-- A seller's orders (those paid), and their sales by day.
CREATE INDEX orders_by_seller_paid ON orders (seller_id, paid_at);

-- The seller's low-stock threshold, from catalog's product snapshots.
ALTER TABLE products ADD COLUMN low_stock_threshold BIGINT;

-- Read model of catalog's stock levels (catalog.stock, keyed by product, so in order per product); a
-- product snapshot seeds it when no stock event came first.
CREATE TABLE product_stock (
    product_id TEXT PRIMARY KEY,
    available BIGINT NOT NULL
);
