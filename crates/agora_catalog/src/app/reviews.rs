//! Writing reviews: a buyer whose order delivered a product reviews it once and may edit it; the product's
//! seller replies once; an admin removes one. Each change and its `catalog.reviews` event commit together.

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::catalog::{ReviewEvent, ReviewNotice};
use agora_http::{Caller, Role};
use uuid::Uuid;

use super::Catalog;
use super::products::visible;
use super::review_views::ReviewView;
use crate::domain::CatalogError;
use crate::domain::review::{self, RemoveInput, ReplyInput, ReviewDraft, ReviewInput};
use crate::store::products::{self, Product};
use crate::store::purchases;
use crate::store::reviews::{self, NewReview, Review};

/// What `catalog.reviews` tells of a review.
fn notice(product: &Product, review: &Review, reason: Option<String>, at: Timestamp) -> ReviewNotice {
    ReviewNotice {
        review_id: review.id,
        product_id: product.id,
        product_title: product.title.clone(),
        seller_id: product.seller_id,
        buyer_id: review.buyer_id,
        rating: review.rating,
        reason,
        at,
    }
}

impl Catalog {
    /// The caller reviews a product an order of theirs delivered, once (the unique constraint decides).
    pub async fn post_review(
        &self,
        caller: &Caller,
        product_id: Uuid,
        input: &ReviewInput,
    ) -> Result<ReviewView, CatalogError> {
        let draft = ReviewDraft::parse(input)?;
        let mut tx = self.begin().await?;
        let product = visible(&mut tx, Some(caller), product_id).await?;
        if product.seller_id == caller.user_id || !purchases::delivered(&mut tx, caller.user_id, product_id).await? {
            return Err(CatalogError::ReviewNotAllowed);
        }
        let now = Timestamp::now();
        let new = NewReview {
            id: agora_core::new_id(),
            product_id,
            buyer_id: caller.user_id,
            rating: draft.rating,
            body: draft.body,
            created_at: now,
        };
        reviews::insert(&mut tx, &new).await?;
        let review = stored(&mut tx, new.id).await?;
        self.outbox.emit(&mut tx, &ReviewEvent::Posted(notice(&product, &review, None, now))).await?;
        tx.commit().await?;
        // Product views carry the rating.
        self.cache.changed(&[product_id]).await;
        metrics::counter!("agora_catalog_reviews_total", "action" => "posted").increment(1);
        tracing::info!(review.id = %review.id, product.id = %product_id, "review posted");
        Ok(ReviewView::from(review))
    }

    /// The author changes their review's stars and words; to anyone else it does not exist.
    pub async fn edit_review(
        &self,
        caller: &Caller,
        id: Uuid,
        input: &ReviewInput,
    ) -> Result<ReviewView, CatalogError> {
        let draft = ReviewDraft::parse(input)?;
        let mut tx = self.begin().await?;
        let review = reviews::find_for_update(&mut tx, id)
            .await?
            .filter(|r| !r.removed && r.buyer_id == caller.user_id)
            .ok_or(CatalogError::ReviewNotFound)?;
        let product = products::find(&mut tx, review.product_id).await?.ok_or(CatalogError::ReviewNotFound)?;
        let now = Timestamp::now();
        if !reviews::edit(&mut tx, id, draft.rating, &draft.body, now).await? {
            return Err(CatalogError::ReviewNotFound);
        }
        let review = stored(&mut tx, id).await?;
        self.outbox.emit(&mut tx, &ReviewEvent::Edited(notice(&product, &review, None, now))).await?;
        tx.commit().await?;
        self.cache.changed(&[product.id]).await;
        metrics::counter!("agora_catalog_reviews_total", "action" => "edited").increment(1);
        tracing::info!(review.id = %id, "review edited");
        Ok(ReviewView::from(review))
    }

    /// The product's seller answers a review, once.
    pub async fn reply_to_review(
        &self,
        caller: &Caller,
        id: Uuid,
        input: &ReplyInput,
    ) -> Result<ReviewView, CatalogError> {
        let body = review::reply_text(input)?;
        let mut tx = self.begin().await?;
        let review =
            reviews::find_for_update(&mut tx, id).await?.filter(|r| !r.removed).ok_or(CatalogError::ReviewNotFound)?;
        let product = products::find(&mut tx, review.product_id).await?.ok_or(CatalogError::ReviewNotFound)?;
        if product.seller_id != caller.user_id {
            return Err(CatalogError::NotOwner);
        }
        self.check_seller(&mut tx, caller.user_id).await?;
        let now = Timestamp::now();
        if !reviews::reply(&mut tx, id, &body, now).await? {
            return Err(CatalogError::AlreadyReplied);
        }
        let review = stored(&mut tx, id).await?;
        self.outbox.emit(&mut tx, &ReviewEvent::Replied(notice(&product, &review, None, now))).await?;
        tx.commit().await?;
        metrics::counter!("agora_catalog_reviews_total", "action" => "replied").increment(1);
        tracing::info!(review.id = %id, "review replied to");
        Ok(ReviewView::from(review))
    }

    /// An admin takes a review down: it is no longer shown or counted. Removing it again changes nothing.
    pub async fn remove_review(&self, caller: &Caller, id: Uuid, input: &RemoveInput) -> Result<(), CatalogError> {
        caller.require(Role::Admin)?;
        let reason = review::removal_reason(input)?;
        let mut tx = self.begin().await?;
        let review = reviews::find_for_update(&mut tx, id).await?.ok_or(CatalogError::ReviewNotFound)?;
        let now = Timestamp::now();
        if !reviews::remove(&mut tx, id, reason.as_deref(), now).await? {
            return Ok(());
        }
        let product = products::find(&mut tx, review.product_id).await?.ok_or(CatalogError::ReviewNotFound)?;
        self.outbox.emit(&mut tx, &ReviewEvent::Removed(notice(&product, &review, reason, now))).await?;
        tx.commit().await?;
        self.cache.changed(&[product.id]).await;
        metrics::counter!("agora_catalog_reviews_total", "action" => "removed").increment(1);
        tracing::info!(review.id = %id, "review removed");
        Ok(())
    }
}

/// The review just written, as stored.
async fn stored(tx: &mut Tx, id: Uuid) -> Result<Review, CatalogError> {
    reviews::find(tx, id).await?.ok_or_else(|| CatalogError::Internal(format!("review {id} vanished")))
}
