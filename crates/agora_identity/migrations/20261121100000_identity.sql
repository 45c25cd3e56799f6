CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    -- space-separated, sorted: "buyer", "buyer seller", "admin buyer"
    roles TEXT NOT NULL,
    status TEXT NOT NULL,
    disabled_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE seller_applications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    shop_name TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decision_reason TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
-- At most one open application per user, whatever the concurrency.
CREATE UNIQUE INDEX seller_applications_one_pending ON seller_applications (user_id) WHERE status = 'pending';
CREATE INDEX seller_applications_by_status ON seller_applications (status, created_at, id);

CREATE TABLE seller_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    shop_name TEXT NOT NULL,
    -- lower-cased shop name: two shops cannot differ only by case
    shop_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT
);

-- A session is a family of refresh tokens, each used once.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
