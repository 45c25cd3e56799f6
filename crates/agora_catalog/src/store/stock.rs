//! Stock moves, each one conditional statement: the database checks and changes the numbers together, so
//! no two requests can both take the last unit (never read-then-write). The CHECK constraints on the
//! columns are the backstop.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::CatalogError;

/// A product's stock after a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub available: i64,
    pub held: i64,
    pub sold: i64,
}

/// Moves `quantity` units from available to held if the product is for sale (active, its shop not
/// suspended) and has them. `false` means nothing changed.
pub async fn hold(conn: &mut AnyConnection, product_id: Uuid, quantity: i64) -> Result<bool, CatalogError> {
    let sql = "UPDATE products SET available = available - $1, held = held + $1, updated_at = $2 \
               WHERE id = $3 AND status = 'active' AND available >= $1 \
               AND NOT EXISTS (SELECT 1 FROM sellers s WHERE s.user_id = products.seller_id AND s.active = 0)";
    shift(conn, sql, product_id, quantity).await
}

/// Runs one conditional move of `quantity` units (`$1`) of a product (`$3`), stamping the time (`$2`);
/// `false` when its condition did not hold and nothing changed.
async fn shift(conn: &mut AnyConnection, sql: &str, product_id: Uuid, quantity: i64) -> Result<bool, CatalogError> {
    let done = sqlx::query(sql)
        .bind(quantity)
        .bind(Timestamp::now().as_micros())
        .bind(product_id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Held units become sold (confirm) or available again (release, expire).
pub async fn end_hold(
    conn: &mut AnyConnection,
    product_id: Uuid,
    quantity: i64,
    sold: bool,
) -> Result<(), CatalogError> {
    let sql = if sold {
        "UPDATE products SET held = held - $1, sold = sold + $1, updated_at = $2 WHERE id = $3 AND held >= $1"
    } else {
        "UPDATE products SET held = held - $1, available = available + $1, updated_at = $2 WHERE id = $3 AND held >= $1"
    };
    if !shift(conn, sql, product_id, quantity).await? {
        return Err(CatalogError::Internal(format!("product {product_id} holds fewer units than a hold on it")));
    }
    Ok(())
}

/// Sold units of a cancelled order become available again, if the product has sold that many (sold never
/// goes negative). `false` means nothing changed.
pub async fn unsell(conn: &mut AnyConnection, product_id: Uuid, quantity: i64) -> Result<bool, CatalogError> {
    let sql = "UPDATE products SET sold = sold - $1, available = available + $1, updated_at = $2 \
               WHERE id = $3 AND sold >= $1";
    shift(conn, sql, product_id, quantity).await
}

/// The seller sets the number of available units (held and sold units are untouched).
pub async fn set_available(conn: &mut AnyConnection, product_id: Uuid, available: i64) -> Result<(), CatalogError> {
    sqlx::query("UPDATE products SET available = $1, updated_at = $2 WHERE id = $3")
        .bind(available)
        .bind(Timestamp::now().as_micros())
        .bind(product_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
