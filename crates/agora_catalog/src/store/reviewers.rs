//! Catalog's read model of accounts' display names (identity's `user_registered` events), shown as the
//! authors of reviews.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::CatalogError;

pub async fn upsert(conn: &mut AnyConnection, user_id: Uuid, display_name: &str) -> Result<(), CatalogError> {
    sqlx::query(
        "INSERT INTO reviewers (user_id, display_name, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET display_name = $2, updated_at = $3",
    )
    .bind(user_id.to_string())
    .bind(display_name)
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(())
}
