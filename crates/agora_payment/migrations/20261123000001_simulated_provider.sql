-- The simulated provider's own state: what a real provider keeps on its side. It shares the payment database
-- only so that it survives a restart; payment's code never reads these tables, it asks the provider.

-- One charge per idempotency key (payment's attempt id).
CREATE TABLE sim_charges (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    payment_id TEXT NOT NULL,
    checkout_id TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    card_last4 TEXT NOT NULL,
    -- processing | succeeded | failed
    status TEXT NOT NULL,
    failure_code TEXT,
    failure_message TEXT,
    -- times the money was taken: 1 for a succeeded charge, whatever asked about it
    captures BIGINT NOT NULL DEFAULT 0,
    -- a processing charge succeeds at this time
    settle_at BIGINT,
    -- its webhook is (re)sent at this time until delivered
    webhook_due_at BIGINT,
    webhook_sent_at BIGINT,
    webhook_tries BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX sim_charges_webhooks ON sim_charges (webhook_sent_at, webhook_due_at);
CREATE INDEX sim_charges_payment ON sim_charges (payment_id);

-- Full refunds: one per charge, one per idempotency key.
CREATE TABLE sim_refunds (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    charge_id TEXT NOT NULL UNIQUE REFERENCES sim_charges (id),
    amount_minor BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
