//! Catalog's persistence: portable SQL on SQLite and PostgreSQL alike, except full-text search
//! ([`search`]), whose two dialects live side by side in one place. Every function takes a connection, so
//! use cases decide what shares a transaction.

pub mod categories;
pub mod holds;
pub mod images;
pub mod products;
pub mod purchases;
pub mod returns;
pub mod reviewers;
pub mod reviews;
pub mod search;
pub mod sellers;
pub mod stock;

use agora_db::Dialect;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::CatalogError;

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, CatalogError> {
    Uuid::parse_str(text).map_err(|e| CatalogError::Internal(format!("stored id {text:?}: {e}")))
}

/// The dialect a connection speaks.
pub(crate) fn dialect(conn: &AnyConnection) -> Dialect {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") { Dialect::Postgres } else { Dialect::Sqlite }
}

/// The outcome of a write, with a unique-constraint violation turned into `taken`.
pub(crate) fn unique_or(
    result: Result<sqlx::any::AnyQueryResult, sqlx::Error>,
    taken: CatalogError,
) -> Result<u64, CatalogError> {
    match result {
        Err(err) if agora_db::is_unique_violation(&err) => Err(taken),
        other => other.map(|r| r.rows_affected()).map_err(Into::into),
    }
}

pub(crate) use agora_db::placeholders;
