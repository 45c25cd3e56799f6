-- Payment's own tables (the same on SQLite and PostgreSQL). Ids are UUID text, times are microseconds since
-- the epoch, amounts are minor units.

-- One payment per checkout, created from order's checkout_awaiting_payment event; the amount only ever
-- comes from that event.
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    checkout_id TEXT NOT NULL UNIQUE,
    buyer_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    -- simulated | stripe
    provider TEXT NOT NULL,
    -- requires_payment | processing | succeeded | cancelled | refunded
    status TEXT NOT NULL,
    pay_by BIGINT NOT NULL,
    -- the attempt at the provider while status is processing
    attempt_id TEXT,
    -- the charge that paid
    provider_ref TEXT,
    last_error_code TEXT,
    last_error_message TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_buyer ON payments (buyer_id);

-- Each try to pay: a card or payment method sent to the provider. Only the brand and last four digits of a
-- card are kept.
CREATE TABLE payment_attempts (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    -- pending (sent, no answer yet) | processing | succeeded | failed
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    code TEXT,
    message TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- when the provider was last asked about a processing charge (reconciliation)
    checked_at BIGINT
);
CREATE UNIQUE INDEX payment_attempts_provider_ref ON payment_attempts (provider, provider_ref);
CREATE INDEX payment_attempts_payment ON payment_attempts (payment_id, created_at);
CREATE INDEX payment_attempts_status ON payment_attempts (status, updated_at);

-- A provider charge completed once, whichever path saw it first (attempt, browser return, webhook,
-- reconciliation): only the inserter of this row may capture or refund it.
CREATE TABLE payment_completions (
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    via TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    PRIMARY KEY (provider, provider_ref)
);

-- Money to give back, at most once per charge: queued in the transaction that decides it, sent to the
-- provider afterwards (with the refund id as idempotency key) and retried until the provider confirms.
CREATE TABLE payment_refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- checkout_cancelled | duplicate_charge
    reason TEXT NOT NULL,
    -- pending | succeeded
    status TEXT NOT NULL,
    provider_refund_ref TEXT,
    tries BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    next_try_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider, provider_ref)
);
CREATE INDEX payment_refunds_due ON payment_refunds (status, next_try_at);

-- Provider webhook events received and applied, by the provider's event id (a redelivery is skipped).
CREATE TABLE payment_webhooks (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    provider_ref TEXT,
    outcome TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
