//! Buyers' saved shipping addresses.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::OrderError;
use crate::domain::address::{Address, SavedAddress};

const COLUMNS: &str = "id, full_name, line1, line2, city, postal_code, region, country, phone";

type Row = (String, String, String, String, String, String, String, String, String);

fn saved(row: Row) -> Result<SavedAddress, OrderError> {
    let (id, full_name, line1, line2, city, postal_code, region, country, phone) = row;
    Ok(SavedAddress {
        id: uuid(&id)?,
        address: Address { full_name, line1, line2, city, postal_code, region, country, phone },
    })
}

pub async fn insert(conn: &mut AnyConnection, buyer_id: Uuid, id: Uuid, a: &Address) -> Result<(), OrderError> {
    let insert = sqlx::query(
        "INSERT INTO addresses (id, buyer_id, full_name, line1, line2, city, postal_code, region, country, phone, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    );
    with_fields(insert.bind(id.to_string()).bind(buyer_id.to_string()), a)
        .bind(Timestamp::now().as_micros())
        .execute(conn)
        .await?;
    Ok(())
}

/// Binds the address's fields in column order (`full_name` … `phone`).
fn with_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    a: &'q Address,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&a.full_name)
        .bind(&a.line1)
        .bind(&a.line2)
        .bind(&a.city)
        .bind(&a.postal_code)
        .bind(&a.region)
        .bind(&a.country)
        .bind(&a.phone)
}

/// Replaces an address of `buyer_id`; `false` when they have no such address.
pub async fn update(conn: &mut AnyConnection, buyer_id: Uuid, id: Uuid, a: &Address) -> Result<bool, OrderError> {
    let update = sqlx::query(
        "UPDATE addresses SET full_name = $3, line1 = $4, line2 = $5, city = $6, postal_code = $7, region = $8, \
         country = $9, phone = $10 WHERE id = $1 AND buyer_id = $2",
    );
    let done = with_fields(update.bind(id.to_string()).bind(buyer_id.to_string()), a).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut AnyConnection, buyer_id: Uuid, id: Uuid) -> Result<bool, OrderError> {
    let done = sqlx::query("DELETE FROM addresses WHERE id = $1 AND buyer_id = $2")
        .bind(id.to_string())
        .bind(buyer_id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The buyer's address `id`; `None` for anyone else's.
pub async fn find(conn: &mut AnyConnection, buyer_id: Uuid, id: Uuid) -> Result<Option<SavedAddress>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM addresses WHERE id = $1 AND buyer_id = $2");
    let row: Option<Row> =
        sqlx::query_as(&sql).bind(id.to_string()).bind(buyer_id.to_string()).fetch_optional(conn).await?;
    row.map(saved).transpose()
}

/// Every address of the buyer, oldest first (a buyer keeps a handful).
pub async fn list(conn: &mut AnyConnection, buyer_id: Uuid) -> Result<Vec<SavedAddress>, OrderError> {
    let sql = format!("SELECT {COLUMNS} FROM addresses WHERE buyer_id = $1 ORDER BY created_at, id");
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(buyer_id.to_string()).fetch_all(conn).await?;
    rows.into_iter().map(saved).collect()
}

pub async fn count(conn: &mut AnyConnection, buyer_id: Uuid) -> Result<usize, OrderError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE buyer_id = $1")
        .bind(buyer_id.to_string())
        .fetch_one(conn)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}
