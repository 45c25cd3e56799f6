-- Refunds of one seller's order: a part of the checkout's charge, given back once per order, while a refund
-- of a whole charge still happens once per charge. The refunds of a charge never add up to more than it
-- took: payment checks that under the payment's row lock, the provider checks it again on its side.

-- payment_refunds loses UNIQUE (provider, provider_ref), which SQLite cannot drop: the rows are set aside,
-- the table is made again and they come back. (Setting the old rows aside, rather than renaming a new
-- table, keeps the table's own constraint and index names on PostgreSQL.)
CREATE TABLE payment_refunds_before AS SELECT * FROM payment_refunds;
DROP TABLE payment_refunds;

-- Money to give back: queued in the transaction that decides it, sent to the provider afterwards (with the
-- refund id as idempotency key) and retried until the provider confirms.
CREATE TABLE payment_refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    provider TEXT NOT NULL,
    -- the charge refunded
    provider_ref TEXT NOT NULL,
    -- the order whose share this is; NULL for a whole charge
    order_id TEXT,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    -- checkout_cancelled | duplicate_charge (a whole charge) | order_cancelled (an order's share)
    reason TEXT NOT NULL,
    -- pending | succeeded
    status TEXT NOT NULL,
    provider_refund_ref TEXT,
    tries BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    next_try_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- an order's share is refunded once (a whole-charge refund has no order: NULLs never collide)
    UNIQUE (payment_id, order_id)
);
-- a whole charge is refunded once
CREATE UNIQUE INDEX payment_refunds_charge ON payment_refunds (provider, provider_ref) WHERE order_id IS NULL;
-- what a charge has given back so far
CREATE INDEX payment_refunds_of_charge ON payment_refunds (provider, provider_ref, status);
CREATE INDEX payment_refunds_due ON payment_refunds (status, next_try_at);

INSERT INTO payment_refunds (id, payment_id, provider, provider_ref, order_id, amount_minor, currency, reason, status,
                             provider_refund_ref, tries, last_error, next_try_at, created_at, updated_at)
SELECT id, payment_id, provider, provider_ref, NULL, amount_minor, currency, reason, status, provider_refund_ref,
       tries, last_error, next_try_at, created_at, updated_at
FROM payment_refunds_before;
DROP TABLE payment_refunds_before;

-- The simulated provider refunds a charge in parts too, as a real one does: any number of refunds (one per
-- idempotency key) up to what the charge took. `refunded_minor` is the running total, raised by a
-- conditional update so that two refunds at once cannot both pass the limit.
ALTER TABLE sim_charges ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0;
UPDATE sim_charges SET refunded_minor = (SELECT COALESCE(SUM(r.amount_minor), 0) FROM sim_refunds r
                                         WHERE r.charge_id = sim_charges.id);

CREATE TABLE sim_refunds_before AS SELECT * FROM sim_refunds;
DROP TABLE sim_refunds;
CREATE TABLE sim_refunds (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    charge_id TEXT NOT NULL REFERENCES sim_charges (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    created_at BIGINT NOT NULL
);
CREATE INDEX sim_refunds_charge ON sim_refunds (charge_id);
INSERT INTO sim_refunds (id, idempotency_key, charge_id, amount_minor, created_at)
SELECT id, idempotency_key, charge_id, amount_minor, created_at FROM sim_refunds_before;
DROP TABLE sim_refunds_before;
