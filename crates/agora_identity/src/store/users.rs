//! Accounts.

use agora_core::{Cursor, Page, PageSize, Timestamp};
use agora_http::Role;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{unique_or, uuid};
use crate::domain::{IdentityError, RoleSet, User, UserStatus};

const COLUMNS: &str = "id, email, display_name, roles, status, disabled_reason, created_at";

type UserRow = (String, String, String, String, String, Option<String>, i64);
type UserWithHashRow = (String, String, String, String, String, Option<String>, i64, String);

fn user(row: UserRow) -> Result<User, IdentityError> {
    let (id, email, display_name, roles, status, disabled_reason, created_at) = row;
    Ok(User {
        id: uuid(&id)?,
        email,
        display_name,
        roles: RoleSet::parse(&roles),
        status: UserStatus::parse(&status),
        disabled_reason,
        created_at: Timestamp::from_micros(created_at),
    })
}

/// A new account. Fails with [`IdentityError::EmailTaken`] when the email is in use.
pub async fn insert(conn: &mut AnyConnection, user: &User, password_hash: &str) -> Result<(), IdentityError> {
    let result = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, roles, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(user.id.to_string())
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(password_hash)
    .bind(user.roles.stored())
    .bind(user.status.as_str())
    .bind(user.created_at.as_micros())
    .execute(conn)
    .await;
    unique_or(result, IdentityError::EmailTaken)
}

/// The account with this email and its password hash.
pub async fn find_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<(User, String)>, IdentityError> {
    let row: Option<UserWithHashRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(conn)
            .await?;
    row.map(|(a, b, c, d, e, f, g, hash)| Ok((user((a, b, c, d, e, f, g))?, hash))).transpose()
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<User>, IdentityError> {
    let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(user).transpose()
}

pub async fn get(conn: &mut AnyConnection, id: Uuid) -> Result<User, IdentityError> {
    find(conn, id).await?.ok_or(IdentityError::UserNotFound)
}

pub async fn password_hash(conn: &mut AnyConnection, id: Uuid) -> Result<String, IdentityError> {
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    hash.ok_or(IdentityError::UserNotFound)
}

pub async fn set_password_hash(conn: &mut AnyConnection, id: Uuid, hash: &str) -> Result<(), IdentityError> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(Timestamp::now().as_micros())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The account, with its row locked until the transaction ends (a no-op write locks portably), so a
/// read-modify-write of its roles cannot lose a concurrent change.
pub async fn get_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<User, IdentityError> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    get(conn, id).await
}

pub async fn set_roles(conn: &mut AnyConnection, id: Uuid, roles: &RoleSet) -> Result<(), IdentityError> {
    sqlx::query("UPDATE users SET roles = $1, updated_at = $2 WHERE id = $3")
        .bind(roles.stored())
        .bind(Timestamp::now().as_micros())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the status; returns whether it changed (so a repeated disable emits no second event).
pub async fn set_status(
    conn: &mut AnyConnection,
    id: Uuid,
    status: UserStatus,
    reason: Option<&str>,
) -> Result<bool, IdentityError> {
    let result = sqlx::query(
        "UPDATE users SET status = $1, disabled_reason = $2, updated_at = $3 WHERE id = $4 AND status <> $1",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(Timestamp::now().as_micros())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn any_admin(conn: &mut AnyConnection) -> Result<bool, IdentityError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE roles LIKE '%admin%' LIMIT 1").fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// What an admin searches users by.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Part of the email or display name, any case.
    pub query: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

/// Users, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    size: PageSize,
    after: Option<&Cursor>,
) -> Result<Page<User>, IdentityError> {
    let (before_time, before_id): (i64, String) = match after {
        Some(cursor) => cursor.decode().map_err(|_| IdentityError::field("cursor", "the page cursor is malformed"))?,
        None => (i64::MAX, String::new()),
    };
    let pattern = filter.query.as_deref().map(|q| format!("%{}%", escape_like(&q.trim().to_lowercase())));
    let role = filter.role.map(|r| format!("%{}%", r.as_str()));
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users \
         WHERE ($1 IS NULL OR LOWER(email) LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\') \
           AND ($2 IS NULL OR roles LIKE $2) \
           AND ($3 IS NULL OR status = $3) \
           AND (created_at < $4 OR (created_at = $4 AND id < $5)) \
         ORDER BY created_at DESC, id DESC LIMIT $6"
    ))
    .bind(pattern)
    .bind(role)
    .bind(filter.status.map(UserStatus::as_str))
    .bind(before_time)
    .bind(before_id)
    .bind(size.fetch_limit())
    .fetch_all(conn)
    .await?;
    let users = rows.into_iter().map(user).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(users, size, |u| (u.created_at.as_micros(), u.id.to_string())))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
