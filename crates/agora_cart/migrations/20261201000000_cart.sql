-- Carts in embedded mode (production keeps them in Redis). A cart's key is `b:<buyer id>` or
-- `g:<SHA-256 of a visitor's token>`; times are microseconds since the epoch.
CREATE TABLE carts (
    cart_key TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX carts_expires_at ON carts (expires_at);

-- One line per product, with the title, seller and price the shopper saw when adding it.
CREATE TABLE cart_lines (
    cart_key TEXT NOT NULL REFERENCES carts (cart_key) ON DELETE CASCADE,
    product_id TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    title TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    shop_name TEXT NOT NULL,
    added_price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (cart_key, product_id)
);
