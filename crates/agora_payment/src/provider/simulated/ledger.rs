//! The simulated provider's books (`sim_charges`, `sim_refunds`): what a real provider keeps on its side.
//! Payment's own code never reads them; tests do, to count charges, captures and refunds. A charge may be
//! refunded in parts, up to what it took.

use agora_core::Timestamp;
use agora_db::{Db, DbError};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A charge as the simulator keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimCharge {
    pub id: String,
    pub idempotency_key: String,
    pub payment_id: String,
    pub checkout_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub card_last4: String,
    /// `processing`, `succeeded` or `failed`.
    pub status: String,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub captures: i64,
    pub settle_at: Option<i64>,
    pub webhook_tries: i64,
}

const COLUMNS: &str = "id, idempotency_key, payment_id, checkout_id, amount_minor, currency, card_last4, status, \
                       failure_code, failure_message, captures, settle_at, webhook_tries";

fn charge(row: &AnyRow) -> Result<SimCharge, sqlx::Error> {
    Ok(SimCharge {
        id: row.try_get("id")?,
        idempotency_key: row.try_get("idempotency_key")?,
        payment_id: row.try_get("payment_id")?,
        checkout_id: row.try_get("checkout_id")?,
        amount_minor: row.try_get("amount_minor")?,
        currency: row.try_get("currency")?,
        card_last4: row.try_get("card_last4")?,
        status: row.try_get("status")?,
        failure_code: row.try_get("failure_code")?,
        failure_message: row.try_get("failure_message")?,
        captures: row.try_get("captures")?,
        settle_at: row.try_get("settle_at")?,
        webhook_tries: row.try_get("webhook_tries")?,
    })
}

/// Records a new charge, or returns the one made earlier with the same idempotency key.
pub async fn insert_or_existing(db: &Db, new: &SimCharge, now: Timestamp) -> Result<SimCharge, DbError> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "INSERT INTO sim_charges ({COLUMNS}, webhook_due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (idempotency_key) DO NOTHING"
    );
    sqlx::query(&sql)
        .bind(&new.id)
        .bind(&new.idempotency_key)
        .bind(&new.payment_id)
        .bind(&new.checkout_id)
        .bind(new.amount_minor)
        .bind(&new.currency)
        .bind(&new.card_last4)
        .bind(&new.status)
        .bind(new.failure_code.clone())
        .bind(new.failure_message.clone())
        .bind(new.captures)
        .bind(new.settle_at)
        .bind(new.webhook_tries)
        // A processing charge's webhook is due when it settles.
        .bind(new.settle_at)
        .bind(now.as_micros())
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sim_charges WHERE idempotency_key = $1"))
        .bind(&new.idempotency_key)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(charge(&row)?)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<SimCharge>, DbError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sim_charges WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(charge).transpose()?)
}

/// A processing charge whose time has come succeeds: the money is taken, once.
pub async fn settle_if_due(db: &Db, id: &str, now: Timestamp) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE sim_charges SET status = 'succeeded', captures = captures + 1 \
         WHERE id = $1 AND status = 'processing' AND settle_at <= $2",
    )
    .bind(id)
    .bind(now.as_micros())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Charges whose webhook is due, claimed for `lease_until` (another sender, or this one after a crash,
/// sends it again only after that).
pub async fn claim_due_webhooks(
    db: &Db,
    now: Timestamp,
    lease_until: Timestamp,
    max_tries: i64,
) -> Result<Vec<SimCharge>, DbError> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query(&format!(
        "UPDATE sim_charges SET webhook_due_at = $1 \
         WHERE webhook_sent_at IS NULL AND webhook_due_at <= $2 AND webhook_tries < $3 RETURNING {COLUMNS}"
    ))
    .bind(lease_until.as_micros())
    .bind(now.as_micros())
    .bind(max_tries)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.iter().map(charge).collect::<Result<_, _>>()?)
}

/// The webhook was delivered (answered 2xx).
pub async fn webhook_sent(db: &Db, id: &str, now: Timestamp) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sim_charges SET webhook_sent_at = $1, webhook_tries = webhook_tries + 1 WHERE id = $2")
        .bind(now.as_micros())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The webhook was not delivered: try again at `next`.
pub async fn webhook_failed(db: &Db, id: &str, next: Timestamp) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sim_charges SET webhook_due_at = $1, webhook_tries = webhook_tries + 1 WHERE id = $2")
        .bind(next.as_micros())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// When the next webhook is due, if any is waiting.
pub async fn next_due(db: &Db, max_tries: i64) -> Result<Option<Timestamp>, DbError> {
    let row = sqlx::query(
        "SELECT MIN(webhook_due_at) FROM sim_charges WHERE webhook_sent_at IS NULL AND webhook_due_at IS NOT NULL \
         AND webhook_tries < $1",
    )
    .bind(max_tries)
    .fetch_one(db.pool())
    .await?;
    let due: Option<i64> = row.try_get(0)?;
    Ok(due.map(Timestamp::from_micros))
}

/// Why a refund was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefusal {
    NoSuchCharge,
    NotCaptured,
    /// A refund of nothing, or less.
    InvalidAmount,
    /// Nothing of the charge is left to give back.
    AlreadyRefunded,
    /// More than is left of the charge.
    AmountTooLarge,
    /// The key was used for another refund (of another charge or amount).
    KeyReused,
}

/// Refunds `amount_minor` of a succeeded charge: in as many parts as asked (one per key), never more than
/// the charge took in all. The same key answers the refund it made the first time.
pub async fn refund(
    db: &Db,
    refund_id: &str,
    key: &str,
    charge_id: &str,
    amount_minor: i64,
    now: Timestamp,
) -> Result<Result<String, RefundRefusal>, DbError> {
    if amount_minor <= 0 {
        return Ok(Err(RefundRefusal::InvalidAmount));
    }
    if let Some(answer) = refund_by_key(db, key, charge_id, amount_minor).await? {
        return Ok(answer);
    }
    let mut tx = db.begin().await?;
    // The running total only grows within the charge's amount: two refunds at once cannot both pass it.
    let taken = sqlx::query(
        "UPDATE sim_charges SET refunded_minor = refunded_minor + $1 \
         WHERE id = $2 AND status = 'succeeded' AND refunded_minor + $1 <= amount_minor",
    )
    .bind(amount_minor)
    .bind(charge_id)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(Err(why_not(db, charge_id).await?));
    }
    let inserted = sqlx::query(
        "INSERT INTO sim_refunds (id, idempotency_key, charge_id, amount_minor, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(refund_id)
    .bind(key)
    .bind(charge_id)
    .bind(amount_minor)
    .bind(now.as_micros())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // The same key's refund was made meanwhile (a concurrent retry): that one stands, this one undoes.
        tx.rollback().await?;
        let made = refund_by_key(db, key, charge_id, amount_minor).await?;
        return made.ok_or_else(|| DbError::Sqlx(sqlx::Error::RowNotFound));
    }
    tx.commit().await?;
    Ok(Ok(refund_id.to_owned()))
}

/// The answer for a key used before: its refund, if it was for the same charge and amount.
async fn refund_by_key(
    db: &Db,
    key: &str,
    charge_id: &str,
    amount_minor: i64,
) -> Result<Option<Result<String, RefundRefusal>>, DbError> {
    let existing: Option<(String, String, i64)> =
        sqlx::query_as("SELECT id, charge_id, amount_minor FROM sim_refunds WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    Ok(existing.map(
        |(id, charge, amount)| {
            if charge == charge_id && amount == amount_minor { Ok(id) } else { Err(RefundRefusal::KeyReused) }
        },
    ))
}

/// Why a charge's running total could not take a refund.
async fn why_not(db: &Db, charge_id: &str) -> Result<RefundRefusal, DbError> {
    let charge: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT status, amount_minor, refunded_minor FROM sim_charges WHERE id = $1")
            .bind(charge_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(match charge {
        None => RefundRefusal::NoSuchCharge,
        Some((status, _, _)) if status != "succeeded" => RefundRefusal::NotCaptured,
        Some((_, amount, refunded)) if refunded >= amount => RefundRefusal::AlreadyRefunded,
        Some(_) => RefundRefusal::AmountTooLarge,
    })
}

/// The refunds the simulator made of a charge, oldest first: (idempotency key, amount in minor units).
pub async fn refunds_of_charge(db: &Db, charge_id: &str) -> Result<Vec<(String, i64)>, DbError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT idempotency_key, amount_minor FROM sim_refunds WHERE charge_id = $1 ORDER BY created_at, id",
    )
    .bind(charge_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows)
}

/// What the simulator did for a payment, for tests: its charges and how many refunds they had.
pub async fn charges_of_payment(db: &Db, payment_id: &str) -> Result<Vec<(SimCharge, i64)>, DbError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, (SELECT COUNT(*) FROM sim_refunds r WHERE r.charge_id = c.id) AS refunds \
         FROM sim_charges c WHERE payment_id = $1 ORDER BY created_at"
    ))
    .bind(payment_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((charge(row)?, row.try_get::<i64, _>("refunds")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
