//! Reviews, with their authors' display names from the [`super::reviewers`] read model, and the rating
//! numbers (counts and sums of stars) of products. Removed reviews stay as rows but are never listed or
//! counted.

use std::collections::HashMap;

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{placeholders, unique_or, uuid};
use crate::domain::CatalogError;

/// A review as stored, with its author's display name when catalog has heard of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: Uuid,
    pub product_id: Uuid,
    pub buyer_id: Uuid,
    pub author: Option<String>,
    pub rating: i64,
    pub body: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    /// The seller's answer and when it was given.
    pub reply: Option<(String, Timestamp)>,
    pub removed: bool,
}

/// A review to insert.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub id: Uuid,
    pub product_id: Uuid,
    pub buyer_id: Uuid,
    pub rating: i64,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: String,
    product_id: String,
    buyer_id: String,
    author: Option<String>,
    rating: i64,
    body: String,
    created_at: i64,
    edited_at: Option<i64>,
    reply_body: Option<String>,
    replied_at: Option<i64>,
    removed_at: Option<i64>,
}

impl TryFrom<ReviewRow> for Review {
    type Error = CatalogError;
    fn try_from(row: ReviewRow) -> Result<Review, CatalogError> {
        Ok(Review {
            id: uuid(&row.id)?,
            product_id: uuid(&row.product_id)?,
            buyer_id: uuid(&row.buyer_id)?,
            author: row.author,
            rating: row.rating,
            body: row.body,
            created_at: Timestamp::from_micros(row.created_at),
            edited_at: row.edited_at.map(Timestamp::from_micros),
            reply: row.reply_body.zip(row.replied_at.map(Timestamp::from_micros)),
            removed: row.removed_at.is_some(),
        })
    }
}

const SELECT: &str = "SELECT r.id, r.product_id, r.buyer_id, u.display_name AS author, r.rating, r.body, \
    r.created_at, r.edited_at, r.reply_body, r.replied_at, r.removed_at \
    FROM reviews r LEFT JOIN reviewers u ON u.user_id = r.buyer_id";

/// A new review; [`CatalogError::AlreadyReviewed`] when the buyer has one of this product (the unique
/// constraint decides, so two concurrent posts cannot both succeed).
pub async fn insert(conn: &mut AnyConnection, r: &NewReview) -> Result<(), CatalogError> {
    let result = sqlx::query(
        "INSERT INTO reviews (id, product_id, buyer_id, rating, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(r.id.to_string())
    .bind(r.product_id.to_string())
    .bind(r.buyer_id.to_string())
    .bind(r.rating)
    .bind(&r.body)
    .bind(r.created_at.as_micros())
    .execute(conn)
    .await;
    unique_or(result, CatalogError::AlreadyReviewed).map(|_| ())
}

/// A review, removed or not.
pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Review>, CatalogError> {
    let row: Option<ReviewRow> =
        sqlx::query_as(&format!("{SELECT} WHERE r.id = $1")).bind(id.to_string()).fetch_optional(conn).await?;
    row.map(Review::try_from).transpose()
}

/// The review, locked for the rest of the transaction (a no-op write takes the row lock on PostgreSQL;
/// SQLite transactions already hold the write lock).
pub async fn find_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Review>, CatalogError> {
    sqlx::query("UPDATE reviews SET rating = rating WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await
}

/// The buyer's review of a product, removed or not.
pub async fn find_by_author(
    conn: &mut AnyConnection,
    product_id: Uuid,
    buyer_id: Uuid,
) -> Result<Option<Review>, CatalogError> {
    let row: Option<ReviewRow> = sqlx::query_as(&format!("{SELECT} WHERE r.product_id = $1 AND r.buyer_id = $2"))
        .bind(product_id.to_string())
        .bind(buyer_id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(Review::try_from).transpose()
}

/// New stars and words for a review that is not removed.
pub async fn edit(
    conn: &mut AnyConnection,
    id: Uuid,
    rating: i64,
    body: &str,
    at: Timestamp,
) -> Result<bool, CatalogError> {
    let done =
        sqlx::query("UPDATE reviews SET rating = $1, body = $2, edited_at = $3 WHERE id = $4 AND removed_at IS NULL")
            .bind(rating)
            .bind(body)
            .bind(at.as_micros())
            .bind(id.to_string())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The seller's reply; `false` when the review has one already (or was removed).
pub async fn reply(conn: &mut AnyConnection, id: Uuid, body: &str, at: Timestamp) -> Result<bool, CatalogError> {
    let done = sqlx::query(
        "UPDATE reviews SET reply_body = $1, replied_at = $2 \
         WHERE id = $3 AND reply_body IS NULL AND removed_at IS NULL",
    )
    .bind(body)
    .bind(at.as_micros())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a review down; `false` when it was removed already.
pub async fn remove(
    conn: &mut AnyConnection,
    id: Uuid,
    reason: Option<&str>,
    at: Timestamp,
) -> Result<bool, CatalogError> {
    let done =
        sqlx::query("UPDATE reviews SET removed_at = $1, removed_reason = $2 WHERE id = $3 AND removed_at IS NULL")
            .bind(at.as_micros())
            .bind(reason.map(str::to_owned))
            .bind(id.to_string())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A product's shown reviews newest first; `after` is the (creation time, id) of the previous page's last.
pub async fn list(
    conn: &mut AnyConnection,
    product_id: Uuid,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<Review>, CatalogError> {
    let (created, id) = after.unwrap_or((i64::MAX, "~".to_owned()));
    let rows: Vec<ReviewRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.product_id = $1 AND r.removed_at IS NULL \
         AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3)) \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $4"
    ))
    .bind(product_id.to_string())
    .bind(created)
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Review::try_from).collect()
}

/// How many shown reviews of a product give each number of stars: `(stars, count)` for the stars given.
pub async fn distribution(conn: &mut AnyConnection, product_id: Uuid) -> Result<Vec<(i64, i64)>, CatalogError> {
    Ok(sqlx::query_as(
        "SELECT rating, COUNT(*) FROM reviews WHERE product_id = $1 AND removed_at IS NULL GROUP BY rating",
    )
    .bind(product_id.to_string())
    .fetch_all(conn)
    .await?)
}

/// The number of shown reviews of each of these products and the sum of their stars (products without
/// any are absent).
pub async fn ratings(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, (i64, i64)>, CatalogError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT product_id, COUNT(*), CAST(SUM(rating) AS BIGINT) FROM reviews \
         WHERE product_id IN ({}) AND removed_at IS NULL GROUP BY product_id",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64, i64)>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    query.fetch_all(conn).await?.into_iter().map(|(id, count, sum)| Ok((uuid(&id)?, (count, sum)))).collect()
}
