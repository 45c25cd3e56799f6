-- After the sale: units of cancelled orders coming back, and reviews by buyers of delivered orders. The same
-- on both databases.

-- A paid order's cancellation, recorded once per order (order.orders `order_cancelled` with a refund), so a
-- redelivered or repeated event never returns its units twice. Its checkout's hold may not be confirmed yet
-- (`checkout_paid` travels on another topic): then the return waits as `pending` and is applied when the
-- hold is confirmed, or becomes `void` when the hold is released or expires (the units came back that way).
CREATE TABLE stock_returns (
    order_id TEXT PRIMARY KEY,
    -- the checkout's id, which is its hold's id
    checkout_id TEXT NOT NULL,
    -- JSON array of {"product_id", "quantity"}
    lines TEXT NOT NULL,
    -- pending | applied | void
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    settled_at BIGINT
);
CREATE INDEX stock_returns_by_hold ON stock_returns (checkout_id, status);

-- Read model of delivered orders (order.orders `order_delivered`): who may review what.
CREATE TABLE purchases (
    buyer_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    delivered_at BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, product_id, order_id)
);

-- Read model of accounts' display names (identity.users `user_registered`), shown as reviews' authors.
CREATE TABLE reviewers (
    user_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One review per buyer and product, whatever the concurrency (the unique constraint decides). A removed
-- review stays (and keeps its place) but is neither shown nor counted.
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL,
    buyer_id TEXT NOT NULL,
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    reply_body TEXT,
    replied_at BIGINT,
    removed_at BIGINT,
    removed_reason TEXT,
    UNIQUE (product_id, buyer_id)
);
CREATE INDEX reviews_newest ON reviews (product_id, created_at, id);
