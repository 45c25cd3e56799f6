//! Catalog's read model of sellers, fed by identity's `identity.sellers` events.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::domain::CatalogError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub user_id: Uuid,
    pub shop_name: String,
    pub active: bool,
}

/// Records an approval (active, with the shop's name) or a suspension (keeps the known name).
pub async fn upsert(
    conn: &mut AnyConnection,
    user_id: Uuid,
    shop_name: Option<&str>,
    active: bool,
) -> Result<(), CatalogError> {
    sqlx::query(
        "INSERT INTO sellers (user_id, shop_name, active, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET shop_name = COALESCE($5, sellers.shop_name), active = $3, updated_at = $4",
    )
    .bind(user_id.to_string())
    .bind(shop_name.unwrap_or("").to_owned())
    .bind(i64::from(active))
    .bind(Timestamp::now().as_micros())
    .bind(shop_name.map(str::to_owned))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, user_id: Uuid) -> Result<Option<Seller>, CatalogError> {
    let row: Option<(String, i64)> = sqlx::query_as("SELECT shop_name, active FROM sellers WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(shop_name, active)| Seller { user_id, shop_name, active: active != 0 }))
}

/// Shop names of these sellers (those catalog has heard of).
pub async fn shop_names(
    conn: &mut AnyConnection,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, CatalogError> {
    let mut names = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(names);
    }
    let sql =
        format!("SELECT user_id, shop_name FROM sellers WHERE user_id IN ({})", super::placeholders(1, ids.len()));
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    for (id, name) in query.fetch_all(conn).await? {
        names.insert(super::uuid(&id)?, name);
    }
    Ok(names)
}
