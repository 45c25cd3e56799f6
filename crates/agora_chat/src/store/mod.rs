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

/// Ids are stored as text (the portable type).
pub(crate) fn uuid(text: &str) -> Result<Uuid, ChatError> {
    Uuid::parse_str(text).map_err(|e| ChatError::Internal(format!("stored id {text:?}: {e}")))
}

/// `$from, $from+1, …` for `count` values.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
