-- The wishlist service: portable SQL, the same on SQLite and PostgreSQL. Ids are UUID text, times are
-- microseconds since the epoch, money is integer minor units with its currency, flags are 0 or 1.

-- What buyers saved. The primary key makes saving twice (or twice at once) one item.
CREATE TABLE items (
    buyer_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    -- The product's price in the read model when it was saved (never a price the client sent).
    price_when_saved_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    notify_price_drop BIGINT NOT NULL,
    notify_back_in_stock BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, product_id)
);

-- A buyer's list, newest first.
CREATE INDEX items_by_buyer_added ON items (buyer_id, added_at, product_id);
-- The buyers watching a product, for alert fan-out.
CREATE INDEX items_by_product ON items (product_id);

-- Read model of catalog's products (catalog.products, catalog.stock): what can be saved, at what price, and
-- what a wishlist shows while catalog does not answer.
CREATE TABLE products (
    product_id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL,
    title TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- active | hidden | deleted
    status TEXT NOT NULL,
    available BIGINT NOT NULL,
    thumbnail TEXT,
    version BIGINT NOT NULL
);
