-- One row per user whose unread total a transaction is about to count and announce. Locking it first
-- serializes the counts of one user (posts to them, their own read marks), so on PostgreSQL two posts to one
-- recipient in different conversations cannot both see only their own message.
CREATE TABLE unread_turns (
    user_id TEXT PRIMARY KEY,
    turns BIGINT NOT NULL
);
