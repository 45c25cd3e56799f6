-- One row per user whose unread total a transaction is about to count and announce. Locking it first
-- serializes the counts of one user (posts to them, their own read marks), so on PostgreSQL two posts to one
-- recipient in different conversations cannot both see only their own message.
CREATE TABLE unread_turns (
    user_id TEXT PRIMARY KEY,
    turns BIGINT NOT NULL
);

-- Each side's unread messages in a conversation, kept with the conversation: a message adds one to the
-- recipient's; reading recounts what is left past the new read seq. Totals then sum conversations, not
-- messages, however much goes unread.
ALTER TABLE conversations ADD COLUMN buyer_unread BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN seller_unread BIGINT NOT NULL DEFAULT 0;
