//! Read model of identity's users (`identity.users`): where to email a user and how to greet them.

use agora_events::identity::UserRegistered;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::NotifyError;

/// Someone emails can go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub display_name: String,
}

/// Keeps a registration (the latest one heard wins).
pub async fn keep(conn: &mut AnyConnection, user: &UserRegistered) -> Result<(), NotifyError> {
    sqlx::query(
        "INSERT INTO users (user_id, email, display_name) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name",
    )
    .bind(user.user_id.to_string())
    .bind(&user.email)
    .bind(&user.display_name)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, user: Uuid) -> Result<Option<Recipient>, NotifyError> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT email, display_name FROM users WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(email, display_name)| Recipient { email, display_name }))
}
