//! Seller applications and seller profiles.

use agora_core::{Cursor, Page, PageSize, Timestamp};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{unique_or, uuid};
use crate::domain::{ApplicationStatus, IdentityError, SellerApplication};

const APPLICATION_COLUMNS: &str =
    "id, user_id, shop_name, description, status, decision_reason, created_at, decided_at";

type ApplicationRow = (String, String, String, String, String, Option<String>, i64, Option<i64>);

fn application(row: ApplicationRow) -> Result<SellerApplication, IdentityError> {
    let (id, user_id, shop_name, description, status, decision_reason, created_at, decided_at) = row;
    Ok(SellerApplication {
        id: uuid(&id)?,
        user_id: uuid(&user_id)?,
        shop_name,
        description,
        status: ApplicationStatus::parse(&status)
            .ok_or_else(|| IdentityError::Internal(format!("stored application status {status:?}")))?,
        decision_reason,
        created_at: Timestamp::from_micros(created_at),
        decided_at: decided_at.map(Timestamp::from_micros),
    })
}

/// A new pending application; [`IdentityError::ApplicationPending`] when one is already open.
pub async fn insert_application(conn: &mut AnyConnection, app: &SellerApplication) -> Result<(), IdentityError> {
    let result = sqlx::query(
        "INSERT INTO seller_applications (id, user_id, shop_name, description, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(app.id.to_string())
    .bind(app.user_id.to_string())
    .bind(&app.shop_name)
    .bind(&app.description)
    .bind(app.status.as_str())
    .bind(app.created_at.as_micros())
    .execute(conn)
    .await;
    unique_or(result, IdentityError::ApplicationPending)
}

pub async fn get_application(conn: &mut AnyConnection, id: Uuid) -> Result<SellerApplication, IdentityError> {
    let row: Option<ApplicationRow> =
        sqlx::query_as(&format!("SELECT {APPLICATION_COLUMNS} FROM seller_applications WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(application).transpose()?.ok_or(IdentityError::ApplicationNotFound)
}

/// The user's most recent application.
pub async fn latest_application(
    conn: &mut AnyConnection,
    user_id: Uuid,
) -> Result<Option<SellerApplication>, IdentityError> {
    let row: Option<ApplicationRow> = sqlx::query_as(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM seller_applications WHERE user_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(user_id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(application).transpose()
}

/// Records a decision if the application is still pending; `false` when someone decided first.
pub async fn decide(
    conn: &mut AnyConnection,
    id: Uuid,
    status: ApplicationStatus,
    admin: Option<Uuid>,
    reason: Option<&str>,
) -> Result<bool, IdentityError> {
    let result = sqlx::query(
        "UPDATE seller_applications SET status = $1, decided_by = $2, decision_reason = $3, decided_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(admin.map(|a| a.to_string()))
    .bind(reason)
    .bind(Timestamp::now().as_micros())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Applications in a status, oldest first (the queue an admin works through).
pub async fn list_applications(
    conn: &mut AnyConnection,
    status: ApplicationStatus,
    size: PageSize,
    after: Option<&Cursor>,
) -> Result<Page<SellerApplication>, IdentityError> {
    let (after_time, after_id): (i64, String) = match after {
        Some(cursor) => cursor.decode().map_err(|_| IdentityError::field("cursor", "the page cursor is malformed"))?,
        None => (i64::MIN, String::new()),
    };
    let rows: Vec<ApplicationRow> = sqlx::query_as(&format!(
        "SELECT {APPLICATION_COLUMNS} FROM seller_applications WHERE status = $1 \
           AND (created_at > $2 OR (created_at = $2 AND id > $3)) \
         ORDER BY created_at, id LIMIT $4"
    ))
    .bind(status.as_str())
    .bind(after_time)
    .bind(after_id)
    .bind(size.fetch_limit())
    .fetch_all(conn)
    .await?;
    let items = rows.into_iter().map(application).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, size, |a| (a.created_at.as_micros(), a.id.to_string())))
}

/// A seller's public profile.
#[derive(Debug, Clone)]
pub struct SellerProfile {
    pub user_id: Uuid,
    pub shop_name: String,
    pub description: String,
    pub active: bool,
    pub approved_at: Timestamp,
}

/// Creates the profile, or reactivates a revoked one with the new shop details.
pub async fn upsert_profile(conn: &mut AnyConnection, profile: &SellerProfile) -> Result<(), IdentityError> {
    let result = sqlx::query(
        "INSERT INTO seller_profiles (user_id, shop_name, shop_key, description, status, approved_at) \
         VALUES ($1, $2, $3, $4, 'active', $5) \
         ON CONFLICT (user_id) DO UPDATE SET shop_name = $2, shop_key = $3, description = $4, status = 'active', \
           approved_at = $5, revoked_at = NULL, revoked_reason = NULL",
    )
    .bind(profile.user_id.to_string())
    .bind(&profile.shop_name)
    .bind(profile.shop_name.to_lowercase())
    .bind(&profile.description)
    .bind(profile.approved_at.as_micros())
    .execute(conn)
    .await;
    unique_or(result, IdentityError::ShopNameTaken)
}

/// Whether another seller already uses this shop name.
pub async fn shop_name_taken(conn: &mut AnyConnection, name: &str, user_id: Uuid) -> Result<bool, IdentityError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM seller_profiles WHERE shop_key = $1 AND user_id <> $2")
            .bind(name.to_lowercase())
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

pub async fn revoke_profile(conn: &mut AnyConnection, user_id: Uuid, reason: &str) -> Result<bool, IdentityError> {
    let result = sqlx::query(
        "UPDATE seller_profiles SET status = 'revoked', revoked_at = $1, revoked_reason = $2 \
         WHERE user_id = $3 AND status = 'active'",
    )
    .bind(Timestamp::now().as_micros())
    .bind(reason)
    .bind(user_id.to_string())
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find_profile(conn: &mut AnyConnection, user_id: Uuid) -> Result<Option<SellerProfile>, IdentityError> {
    let row: Option<(String, String, String, i64)> =
        sqlx::query_as("SELECT shop_name, description, status, approved_at FROM seller_profiles WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(shop_name, description, status, approved_at)| SellerProfile {
        user_id,
        shop_name,
        description,
        active: status == "active",
        approved_at: Timestamp::from_micros(approved_at),
    }))
}
