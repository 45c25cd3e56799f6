-- The platform's tables in every service database: the transactional outbox and the consumer inbox.
CREATE TABLE IF NOT EXISTS agora_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT    NOT NULL UNIQUE,
    topic      TEXT    NOT NULL,
    msg_key    TEXT    NOT NULL,
    payload    BLOB    NOT NULL,
    headers    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE TABLE IF NOT EXISTS agora_inbox (
    consumer     TEXT   NOT NULL,
    event_id     TEXT   NOT NULL,
    processed_at BIGINT NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS agora_inbox_processed_at ON agora_inbox (processed_at);

-- Which instance relays this database's outbox; a lease, so a crashed relay is replaced.
CREATE TABLE IF NOT EXISTS agora_relay_lease (
    name       TEXT   PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
