//! Chat's persistence: portable SQL, the same on SQLite and PostgreSQL. Every function takes a connection,
//! so use cases (and the consumer, in its own transaction) decide what shares a transaction.

pub mod conversations;
pub mod messages;
pub mod presence;
pub mod senders;
pub mod unread;
pub mod users;

use uuid::Uuid;

use crate::domain::ChatError;

/// Whether `conn` is SQLite's. There a write transaction holds the database's one write lock from its
/// `BEGIN IMMEDIATE`, so the row locks PostgreSQL needs (a sender's turn, a recipient's unread turn) would
/// only add a write to every post; they are taken on PostgreSQL alone.
pub(crate) fn serializes_writers(conn: &sqlx::AnyConnection) -> bool {
    agora_db::Dialect::of_connection(conn) == agora_db::Dialect::Sqlite
}

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, ChatError> {
    Uuid::parse_str(text).map_err(|e| ChatError::Internal(format!("stored id {text:?}: {e}")))
}

pub(crate) use agora_db::placeholders;

#[cfg(test)]
mod tests {
    use agora_db::{Db, PoolSettings};

    #[tokio::test]
    async fn sqlite_is_known_as_the_one_writer_database() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("chat.db").display());
        let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
        let conn = db.pool().acquire().await.unwrap();
        assert!(super::serializes_writers(&conn));
    }
}
