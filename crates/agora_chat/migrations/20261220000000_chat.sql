-- The chat service: portable SQL, the same on SQLite and PostgreSQL. Ids are UUID text, times are
-- microseconds since the epoch.

-- One conversation per buyer, seller and product: the unique key makes a second one (or two opened at once)
-- impossible.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    buyer_id TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    -- The product's title and each side's name when it was opened; names known later (the users read model)
    -- take their place when shown.
    product_title TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    -- The seq of the last message (0: none yet); messages take last_seq + 1 in the transaction that stores them.
    last_seq BIGINT NOT NULL,
    -- Each side has read the other's messages up to this seq.
    buyer_read_seq BIGINT NOT NULL,
    seller_read_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The last message's time, or created_at: lists show the most recent activity first.
    updated_at BIGINT NOT NULL,
    UNIQUE (buyer_id, seller_id, product_id)
);

CREATE INDEX conversations_by_buyer ON conversations (buyer_id, updated_at, id);
CREATE INDEX conversations_by_seller ON conversations (seller_id, updated_at, id);

-- Messages, numbered 1, 2, 3… per conversation without gaps.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq BIGINT NOT NULL,
    sender_id TEXT NOT NULL,
    -- As sent (checked trimmed, stored verbatim).
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    UNIQUE (conversation_id, seq)
);

-- A sender's recent messages, for the rate limit.
CREATE INDEX messages_by_sender ON messages (sender_id, sent_at);

-- One row per user who ever posted: taking its lock first serializes one user's posts across instances, so
-- the rate limit (counted over `messages`) holds under concurrency.
CREATE TABLE senders (
    user_id TEXT PRIMARY KEY,
    last_sent_at BIGINT NOT NULL
);

-- Read model of identity's users (identity.users, identity.sellers): the names conversations show.
CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    display_name TEXT,
    shop_name TEXT
);

-- Chat instances and the users with a socket open on each, for "is the recipient online anywhere". An
-- instance's rows count while its heartbeat (seen_at) is recent.
CREATE TABLE instances (
    instance_id TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

CREATE TABLE presence (
    instance_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (instance_id, user_id)
);

CREATE INDEX presence_by_user ON presence (user_id);
