//! Storage for every service: PostgreSQL or SQLite, chosen by URL, behind one [`Db`] handle.
//!
//! Each service owns its database (an SQLite file, or a PostgreSQL schema / database of its own) and its
//! embedded migrations. Store code is written once in portable SQL (`$1` placeholders work on both); the
//! few real dialect differences are isolated behind [`Dialect`] methods.

mod checkpoint;
mod db;
mod location;
mod migrate;

pub use checkpoint::{Checkpointable, Checkpointer};
pub use db::{Db, DbError, Dialect, PoolSettings, Tx};
pub use location::{DatabaseLocation, LocationError};
pub use migrate::Migrations;

/// Rows one multi-row `INSERT` writes at most: few enough parameters for either database, many enough that
/// the round trip per statement stops mattering.
pub const ROWS_PER_STATEMENT: usize = 100;

/// `$from, $from+1, …` for `count` values of an `IN (…)` list.
pub fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `($from, …), (…), …`: `rows` rows of `columns` placeholders each, for a multi-row `VALUES` (one statement,
/// one round trip, for many rows).
pub fn rows(from: usize, rows: usize, columns: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(from + r * columns, columns))).collect::<Vec<_>>().join(", ")
}

/// Is this error a unique-constraint violation? Used to turn "already exists" into a domain answer.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_of_columns_on_from_the_first() {
        assert_eq!(super::placeholders(3, 2), "$3, $4");
        assert_eq!(super::rows(2, 2, 3), "($2, $3, $4), ($5, $6, $7)");
        assert_eq!(super::rows(1, 0, 6), "");
    }
}
