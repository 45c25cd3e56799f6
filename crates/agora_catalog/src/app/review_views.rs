//! Reading reviews: a product's page of them with its rating summary, the caller's own, and the rating
//! (average and count) every product view carries. Removed reviews are neither shown nor counted.

use std::collections::HashMap;

use agora_core::{Cursor, Page, PageSize, Timestamp};
use agora_http::Caller;
use serde::Serialize;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::Catalog;
use super::products::visible;
use crate::domain::CatalogError;
use crate::store::purchases;
use crate::store::reviews::{self, Review};

/// Who wrote a review when catalog has not heard the author's name.
pub const UNKNOWN_AUTHOR: &str = "A buyer";

/// A review as the API shows it. `body` and `reply.body` are the text as written: render them escaped.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    pub product_id: Uuid,
    pub buyer_id: Uuid,
    /// The author's display name ("A buyer" when unknown).
    pub author: String,
    /// 1 to 5 stars.
    pub rating: i64,
    pub body: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// When the author last changed it, if ever.
    #[schema(value_type = Option<String>)]
    pub edited_at: Option<Timestamp>,
    /// The seller's answer, if any.
    pub reply: Option<ReplyView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReplyView {
    pub body: String,
    #[schema(value_type = String)]
    pub at: Timestamp,
}

impl From<Review> for ReviewView {
    fn from(r: Review) -> ReviewView {
        ReviewView {
            id: r.id,
            product_id: r.product_id,
            buyer_id: r.buyer_id,
            author: r.author.unwrap_or_else(|| UNKNOWN_AUTHOR.to_owned()),
            rating: r.rating,
            body: r.body,
            created_at: r.created_at,
            edited_at: r.edited_at,
            reply: r.reply.map(|(body, at)| ReplyView { body, at }),
        }
    }
}

/// How many reviews give so many stars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StarCount {
    pub stars: i64,
    pub count: i64,
}

/// A product's reviews in numbers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewSummary {
    pub count: i64,
    /// The mean of the stars to one decimal; null without reviews.
    pub average: Option<f64>,
    /// From 5 stars down to 1, each present (0 when none).
    pub distribution: Vec<StarCount>,
}

/// A page of a product's reviews, newest first, with the summary of all of them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewPage {
    pub summary: ReviewSummary,
    pub items: Vec<ReviewView>,
    pub next_cursor: Option<Cursor>,
}

/// The caller's standing with a product's reviews.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyReview {
    /// Whether the caller may post a review now: an order of theirs delivered the product and they have
    /// not reviewed it yet.
    pub eligible: bool,
    /// The caller's review (which they may edit), or null.
    pub review: Option<ReviewView>,
    /// Whether an admin removed the caller's review (it cannot be posted again).
    pub removed: bool,
}

/// A product's rating as product views show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatingView {
    /// The mean of the stars to one decimal; null without reviews.
    pub average: Option<f64>,
    pub count: i64,
}

/// The mean of `count` ratings adding up to `sum`, rounded half up to one decimal (integer arithmetic, so
/// 4.45 is never 4.4 by a float's whim).
pub fn average(count: i64, sum: i64) -> Option<f64> {
    (count > 0).then(|| {
        let tenths = (sum * 20 + count) / (2 * count);
        tenths as f64 / 10.0
    })
}

/// The ratings of these products (zero reviews for those without).
pub async fn ratings(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, RatingView>, CatalogError> {
    let found = reviews::ratings(conn, ids).await?;
    Ok(ids
        .iter()
        .map(|id| {
            let (count, sum) = found.get(id).copied().unwrap_or((0, 0));
            (*id, RatingView { average: average(count, sum), count })
        })
        .collect())
}

async fn summary(conn: &mut AnyConnection, product_id: Uuid) -> Result<ReviewSummary, CatalogError> {
    let counts: HashMap<i64, i64> = reviews::distribution(conn, product_id).await?.into_iter().collect();
    let distribution: Vec<StarCount> =
        (1..=5).rev().map(|stars| StarCount { stars, count: counts.get(&stars).copied().unwrap_or(0) }).collect();
    let count = distribution.iter().map(|s| s.count).sum();
    let sum = distribution.iter().map(|s| s.stars * s.count).sum();
    Ok(ReviewSummary { count, average: average(count, sum), distribution })
}

impl Catalog {
    /// A page of a product's reviews with their summary; the product must be one `viewer` may see.
    pub async fn reviews(
        &self,
        viewer: Option<&Caller>,
        product_id: Uuid,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<ReviewPage, CatalogError> {
        let after = cursor.map(|c| c.decode::<(i64, String)>()).transpose().map_err(|_| CatalogError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        visible(&mut conn, viewer, product_id).await?;
        let rows = reviews::list(&mut conn, product_id, after, size.fetch_limit()).await?;
        let page = Page::from_rows(rows, size, |r| (r.created_at.as_micros(), r.id.to_string()));
        let summary = summary(&mut conn, product_id).await?;
        Ok(ReviewPage {
            summary,
            items: page.items.into_iter().map(ReviewView::from).collect(),
            next_cursor: page.next_cursor,
        })
    }

    /// Whether the caller may review the product, and their review.
    pub async fn my_review(&self, caller: &Caller, product_id: Uuid) -> Result<MyReview, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        let product = visible(&mut conn, Some(caller), product_id).await?;
        let review = reviews::find_by_author(&mut conn, product_id, caller.user_id).await?;
        let bought =
            product.seller_id != caller.user_id && purchases::delivered(&mut conn, caller.user_id, product_id).await?;
        let removed = review.as_ref().is_some_and(|r| r.removed);
        Ok(MyReview {
            eligible: bought && review.is_none(),
            review: review.filter(|r| !r.removed).map(ReviewView::from),
            removed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_round_half_up_to_one_decimal() {
        assert_eq!(average(0, 0), None);
        assert_eq!(average(2, 9), Some(4.5));
        assert_eq!(average(3, 14), Some(4.7));
        assert_eq!(average(3, 13), Some(4.3));
        assert_eq!(average(1, 5), Some(5.0));
    }
}
