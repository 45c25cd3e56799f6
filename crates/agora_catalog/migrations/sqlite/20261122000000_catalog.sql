-- Catalog on SQLite. Same tables as the PostgreSQL migration except products' key (an INTEGER PRIMARY KEY
-- `seq`, which the FTS5 index uses as its stable rowid) and the search index itself.

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES categories (id),
    name TEXT NOT NULL,
    -- lower-cased name: two siblings cannot differ only by case
    name_key TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    -- the ids from the root down to this category, each followed by '/': a subtree is `path LIKE 'prefix%'`
    path TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX categories_sibling_names ON categories (COALESCE(parent_id, ''), name_key);

-- Read model of identity's sellers (identity.sellers events).
CREATE TABLE sellers (
    user_id TEXT PRIMARY KEY,
    shop_name TEXT NOT NULL,
    active BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE products (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    seller_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories (id),
    -- JSON array of {"name", "value"}
    attributes TEXT NOT NULL,
    -- active | hidden | deleted
    status TEXT NOT NULL,
    hidden_by_admin BIGINT NOT NULL DEFAULT 0,
    hidden_reason TEXT,
    featured BIGINT NOT NULL DEFAULT 0,
    -- Stock: never negative, whatever the concurrency (updates are conditional; these checks are the backstop).
    available BIGINT NOT NULL CHECK (available >= 0),
    held BIGINT NOT NULL CHECK (held >= 0),
    sold BIGINT NOT NULL CHECK (sold >= 0),
    low_stock_threshold BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX products_by_seller ON products (seller_id, created_at, id);
CREATE INDEX products_newest ON products (status, created_at, id);
CREATE INDEX products_by_price ON products (status, price_minor, id);
CREATE INDEX products_by_category ON products (category_id);

CREATE TABLE product_images (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    position BIGINT NOT NULL,
    image_key TEXT NOT NULL,
    thumb_key TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX product_images_by_product ON product_images (product_id, position);

-- A hold's id is the caller's idempotency key: the same id always has the same outcome.
CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    -- placed | rejected | confirmed | released | expired
    status TEXT NOT NULL,
    -- JSON array of the short lines of a rejected hold
    short_lines TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX holds_expiring ON holds (status, expires_at);

CREATE TABLE hold_lines (
    hold_id TEXT NOT NULL REFERENCES holds (id),
    product_id TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (hold_id, product_id)
);

-- Full-text index over title and description, kept in step with products by triggers.
CREATE VIRTUAL TABLE product_search USING fts5 (
    title, description,
    content = 'products', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_search (rowid, title, description) VALUES (new.seq, new.title, new.description);
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF title, description ON products BEGIN
    INSERT INTO product_search (product_search, rowid, title, description)
        VALUES ('delete', old.seq, old.title, old.description);
    INSERT INTO product_search (rowid, title, description) VALUES (new.seq, new.title, new.description);
END;
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO product_search (product_search, rowid, title, description)
        VALUES ('delete', old.seq, old.title, old.description);
END;
