//! The users read model: the names identity gave people (display names) and sellers (shop names). The two
//! arrive on different topics, in any order, each filling its own column.

use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::ChatError;

pub async fn keep_display_name(conn: &mut AnyConnection, user: Uuid, name: &str) -> Result<(), ChatError> {
    sqlx::query(
        "INSERT INTO users (user_id, display_name) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name",
    )
    .bind(user.to_string())
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn keep_shop_name(conn: &mut AnyConnection, user: Uuid, name: &str) -> Result<(), ChatError> {
    sqlx::query(
        "INSERT INTO users (user_id, shop_name) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET shop_name = excluded.shop_name",
    )
    .bind(user.to_string())
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

/// A user's display name and shop name, as far as known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub display_name: Option<String>,
    pub shop_name: Option<String>,
}

pub async fn find(conn: &mut AnyConnection, user: Uuid) -> Result<Names, ChatError> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT display_name, shop_name FROM users WHERE user_id = $1")
            .bind(user.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(display_name, shop_name)| Names { display_name, shop_name }).unwrap_or_default())
}
