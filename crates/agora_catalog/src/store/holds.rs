//! Stock holds and their lines.

use agora_core::Timestamp;
use agora_events::catalog::{HoldLine, ShortLine};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::{CatalogError, Hold, HoldStatus};

/// Records a new hold with its lines; `false` when a hold with this id exists already (nothing written).
pub async fn insert(conn: &mut AnyConnection, hold: &Hold) -> Result<bool, CatalogError> {
    let short = (!hold.short.is_empty()).then(|| serde_json::to_string(&hold.short).unwrap_or_default());
    let inserted = sqlx::query(
        "INSERT INTO holds (id, owner_id, status, short_lines, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(hold.id.to_string())
    .bind(hold.owner_id.to_string())
    .bind(hold.status.as_str())
    .bind(short)
    .bind(hold.expires_at.as_micros())
    .bind(hold.created_at.as_micros())
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    for line in &hold.lines {
        sqlx::query("INSERT INTO hold_lines (hold_id, product_id, quantity) VALUES ($1, $2, $3)")
            .bind(hold.id.to_string())
            .bind(line.product_id.to_string())
            .bind(line.quantity)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// The hold, locked for the rest of the transaction (a no-op write takes the row lock on PostgreSQL, so two
/// requests ending one hold read it one after the other; SQLite transactions already hold the write lock).
pub async fn find_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Hold>, CatalogError> {
    sqlx::query("UPDATE holds SET status = status WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Hold>, CatalogError> {
    let row: Option<(String, String, Option<String>, i64, i64)> =
        sqlx::query_as("SELECT owner_id, status, short_lines, expires_at, created_at FROM holds WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((owner_id, status, short, expires_at, created_at)) = row else { return Ok(None) };
    let lines: Vec<(String, i64)> = sqlx::query_as("SELECT product_id, quantity FROM hold_lines WHERE hold_id = $1")
        .bind(id.to_string())
        .fetch_all(conn)
        .await?;
    let short: Vec<ShortLine> = match short {
        Some(json) => serde_json::from_str(&json).map_err(|e| CatalogError::Internal(format!("hold {id}: {e}")))?,
        None => Vec::new(),
    };
    let mut lines = lines
        .iter()
        .map(|(p, quantity)| Ok(HoldLine { product_id: uuid(p)?, quantity: *quantity }))
        .collect::<Result<Vec<_>, CatalogError>>()?;
    // Product-id order, as placing sorts them: the order rows are locked in, and equal requests compare equal.
    lines.sort_by_key(|l| l.product_id);
    Ok(Some(Hold {
        id,
        owner_id: uuid(&owner_id)?,
        status: HoldStatus::parse(&status)
            .ok_or_else(|| CatalogError::Internal(format!("hold {id}: status {status}")))?,
        lines,
        short,
        expires_at: Timestamp::from_micros(expires_at),
        created_at: Timestamp::from_micros(created_at),
    }))
}

/// Ends a placed hold; `false` if it was no longer placed (someone else ended it first).
pub async fn end(conn: &mut AnyConnection, id: Uuid, to: HoldStatus) -> Result<bool, CatalogError> {
    let done = sqlx::query("UPDATE holds SET status = $1, ended_at = $2 WHERE id = $3 AND status = 'placed'")
        .bind(to.as_str())
        .bind(Timestamp::now().as_micros())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Units held by an owner's open holds.
pub async fn units_held_by(conn: &mut AnyConnection, owner_id: Uuid) -> Result<i64, CatalogError> {
    let (units,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM holds h JOIN hold_lines l ON l.hold_id = h.id \
         WHERE h.owner_id = $1 AND h.status = 'placed'",
    )
    .bind(owner_id.to_string())
    .fetch_one(conn)
    .await?;
    Ok(units)
}

/// Placed holds whose time is up, oldest first.
pub async fn expired(conn: &mut AnyConnection, now: Timestamp, limit: i64) -> Result<Vec<Uuid>, CatalogError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM holds WHERE status = 'placed' AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
    )
    .bind(now.as_micros())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|(id,)| uuid(id)).collect()
}
