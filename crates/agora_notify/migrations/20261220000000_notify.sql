-- The notify service: portable SQL, the same on SQLite and PostgreSQL. Ids are UUID text, times are
-- microseconds since the epoch.

-- Each user's notifications. The unique key makes one source event notify one user at most once, whichever
-- consumer group delivers it and however often.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    -- The id of the event that caused it.
    source_event_id TEXT NOT NULL,
    -- orders | messages | account | products | wishlist
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- A storefront path, such as /orders/<id>.
    link TEXT,
    created_at BIGINT NOT NULL,
    -- When the user read it; null while unread.
    read_at BIGINT,
    UNIQUE (user_id, source_event_id)
);

-- A user's inbox, newest first (and oldest first after a notification, for a socket catching up).
CREATE INDEX notifications_by_user ON notifications (user_id, created_at, id);
-- A user's unread count.
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- One row per user whose inbox was written: every write to an inbox updates this row first, so writes to one
-- inbox take turns (on PostgreSQL, the row lock) and each unread count published is the count after its write.
CREATE TABLE inboxes (
    user_id TEXT PRIMARY KEY,
    writes BIGINT NOT NULL
);

-- The categories each user muted (comma-separated names); no row: nothing muted.
CREATE TABLE preferences (
    user_id TEXT PRIMARY KEY,
    muted TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Read model of identity's users (identity.users): where to email a user, and how to greet them.
CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL
);

-- Emails to send, one per notification, written in the notification's transaction when email is enabled and
-- sent after commit by the email task (retried with back-off until sent or given up).
CREATE TABLE emails (
    notification_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- pending | sent | failed
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    -- When it may be tried next; a sender claims a row by moving this past its attempt.
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);

-- Pending emails in the order they are due.
CREATE INDEX emails_due ON emails (status, next_attempt_at);
