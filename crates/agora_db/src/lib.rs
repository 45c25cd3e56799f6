//! Storage for every service: PostgreSQL or SQLite, chosen by URL, behind one [`Db`] handle.
//!
//! Each service owns its database (an SQLite file, or a PostgreSQL schema / database of its own) and its
//! embedded migrations. Store code is written once in portable SQL (`$1` placeholders work on both); the
//! few real dialect differences are isolated behind [`Dialect`] methods.

mod db;
mod location;
mod migrate;

pub use db::{Db, DbError, Dialect, PoolSettings, Tx};
pub use location::{DatabaseLocation, LocationError};
pub use migrate::Migrations;

/// Is this error a unique-constraint violation? Used to turn "already exists" into a domain answer.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}
