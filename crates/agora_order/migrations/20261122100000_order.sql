-- The order service: portable SQL, the same on SQLite and PostgreSQL. Ids are UUID text, times are
-- microseconds since the epoch, money is integer minor units with its currency.

-- Read model of catalog's products (catalog.products events), for pricing checkouts.
CREATE TABLE products (
    product_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    title TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- active | hidden | deleted
    status TEXT NOT NULL,
    thumbnail TEXT,
    version BIGINT NOT NULL
);

-- Read model of identity's sellers (identity.sellers events): shop names for orders.
CREATE TABLE sellers (
    user_id TEXT PRIMARY KEY,
    shop_name TEXT NOT NULL
);

CREATE TABLE addresses (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL,
    full_name TEXT NOT NULL,
    line1 TEXT NOT NULL,
    line2 TEXT NOT NULL,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    region TEXT NOT NULL,
    country TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX addresses_by_buyer ON addresses (buyer_id, created_at);

CREATE TABLE checkouts (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL,
    -- The buyer's Idempotency-Key: the same key always names this checkout.
    idempotency_key TEXT NOT NULL,
    -- pending | awaiting_payment | paid | rejected | cancelled
    status TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- JSON snapshot of the shipping address as chosen
    address TEXT NOT NULL,
    -- JSON array of catalog's short lines, for a rejected checkout
    short_lines TEXT,
    cancel_reason TEXT,
    payment_id TEXT,
    -- The last failed payment attempt's message, shown while the buyer may retry
    payment_error TEXT,
    pay_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX checkouts_due ON checkouts (status, pay_by);
CREATE INDEX checkouts_by_created ON checkouts (status, created_at);

-- One order per seller of a checkout.
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    buyer_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    -- pending | paid | cancelled
    status TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_by_checkout ON orders (checkout_id);
CREATE INDEX orders_by_buyer ON orders (buyer_id, created_at, id);
CREATE INDEX orders_by_seller ON orders (seller_id, created_at, id);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    position BIGINT NOT NULL,
    product_id TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor BIGINT NOT NULL,
    -- The price the buyer's cart showed when the line was added, when it differs from the one charged
    price_seen_minor BIGINT,
    thumbnail TEXT,
    PRIMARY KEY (order_id, position)
);

-- Each order's timeline.
CREATE TABLE order_events (
    order_id TEXT NOT NULL REFERENCES orders (id),
    seq BIGINT NOT NULL,
    -- placed | stock_reserved | payment_failed | paid | cancelled
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (order_id, seq)
);
