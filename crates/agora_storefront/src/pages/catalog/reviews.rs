//! The reviews part of a product page: the rating summary, a page of reviews with their sellers' replies,
//! and what this visitor may do — write or edit their own review (a buyer it was delivered to), reply under
//! an unanswered review (the product's seller), remove one (an admin). A refused form comes back with what
//! was typed in it.

use uuid::Uuid;

use crate::Storefront;
use crate::catalog::{MyReview, Product, ReviewPage};
use crate::pages::FormErrors;
use crate::session::SignedIn;
use agora_http::client::ClientError;

/// What a visitor typed into a review form that was refused, and why.
#[derive(Debug, Default)]
pub struct ReviewDraft {
    pub rating: String,
    pub body: String,
    pub errors: FormErrors,
    pub message: String,
}

/// What a seller typed into a reply form that was refused, and why.
#[derive(Debug)]
pub struct ReplyDraft {
    pub review_id: Uuid,
    pub body: String,
    pub error: String,
}

/// A refused form to show again on the product page.
#[derive(Debug, Default)]
pub struct Drafts {
    pub review: Option<ReviewDraft>,
    pub reply: Option<ReplyDraft>,
}

/// The visitor's review form: a new review, or changing theirs.
#[derive(Debug)]
pub struct ReviewForm {
    pub action: String,
    pub editing: bool,
    pub rating: String,
    pub body: String,
    pub errors: FormErrors,
    pub message: String,
}

impl ReviewForm {
    /// Whether the rating field has `stars` chosen.
    pub fn rated(&self, stars: &u8) -> bool {
        self.rating.trim() == stars.to_string()
    }
}

/// The ratings a form offers, best first, with what they mean.
pub const RATINGS: [(u8, &str); 5] = [(5, "Excellent"), (4, "Good"), (3, "Fair"), (2, "Poor"), (1, "Bad")];

pub struct ReviewsPart {
    /// None: catalog could not be asked.
    pub page: Option<ReviewPage>,
    pub form: Option<ReviewForm>,
    /// The visitor sells the product: they may reply.
    pub is_owner: bool,
    pub is_admin: bool,
    /// An admin removed the visitor's review of it.
    pub removed: bool,
    pub reply: Option<ReplyDraft>,
    pub first_page: Option<String>,
    pub next_page: Option<String>,
}

impl ReviewsPart {
    /// The reviews of `product` from `cursor` on, and what `user` may do with them.
    pub async fn load(
        app: &Storefront,
        user: Option<&SignedIn>,
        product: &Product,
        cursor: &str,
        drafts: Drafts,
    ) -> ReviewsPart {
        let is_owner = user.is_some_and(|u| u.user_id == product.seller.id);
        let list = app.catalog.reviews(product.id, cursor);
        let (page, mine) = match user.filter(|_| !is_owner) {
            Some(user) => {
                let (page, mine) = tokio::join!(list, app.catalog.my_review(&user.access_token, product.id));
                (page, mine)
            }
            None => (list.await, Ok(MyReview::default())),
        };
        let page = match page {
            Ok(page) => Some(page),
            Err(ClientError::Problem(problem)) if problem.status == 404 => Some(ReviewPage::empty()),
            Err(err) => {
                tracing::warn!(product.id = %product.id, error = %err, "could not show a product's reviews");
                None
            }
        };
        let mine = mine.unwrap_or_else(|err| {
            tracing::info!(product.id = %product.id, error = %err, "could not ask catalog for the visitor's review");
            MyReview::default()
        });
        let product_path = format!("/p/{}", product.id);
        let link = |cursor: &str| {
            let query = serde_urlencoded::to_string([("reviews", cursor)]).unwrap_or_default();
            format!("{product_path}?{query}#reviews")
        };
        ReviewsPart {
            removed: mine.removed && mine.review.is_none(),
            form: review_form(product.id, mine, drafts.review),
            is_owner,
            is_admin: user.is_some_and(|u| u.has("admin")),
            reply: drafts.reply,
            first_page: (!cursor.is_empty()).then(|| format!("{product_path}#reviews")),
            next_page: page.as_ref().and_then(|p| p.next_cursor.as_deref()).map(link),
            page,
        }
    }

    /// What the reply form under `review` holds.
    pub fn reply_body(&self, review: &Uuid) -> &str {
        self.reply.as_ref().filter(|r| r.review_id == *review).map(|r| r.body.as_str()).unwrap_or("")
    }

    pub fn reply_error(&self, review: &Uuid) -> &str {
        self.reply.as_ref().filter(|r| r.review_id == *review).map(|r| r.error.as_str()).unwrap_or("")
    }
}

/// The visitor's form: their review to edit, a new one if they may write it, or what they typed into a
/// refused one.
fn review_form(product: Uuid, mine: MyReview, draft: Option<ReviewDraft>) -> Option<ReviewForm> {
    let (action, editing, rating, body) = match (mine.review, mine.eligible) {
        (Some(review), _) => {
            (format!("/p/{product}/reviews/{}", review.id), true, review.rating.to_string(), review.body)
        }
        (None, true) => (format!("/p/{product}/reviews"), false, String::new(), String::new()),
        (None, false) if draft.is_some() => (format!("/p/{product}/reviews"), false, String::new(), String::new()),
        (None, false) => return None,
    };
    Some(match draft {
        Some(draft) => ReviewForm {
            action,
            editing,
            rating: draft.rating,
            body: draft.body,
            errors: draft.errors,
            message: draft.message,
        },
        None => ReviewForm { action, editing, rating, body, errors: FormErrors::default(), message: String::new() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mine(eligible: bool, review: bool) -> MyReview {
        let review = review.then(|| {
            json!({ "id": Uuid::from_u128(5), "product_id": Uuid::from_u128(1), "buyer_id": Uuid::from_u128(2),
                    "author": "Ada", "rating": 4, "body": "Good tea.", "created_at": "2026-03-01T10:00:00Z" })
        });
        serde_json::from_value(json!({ "eligible": eligible, "review": review })).unwrap()
    }

    #[test]
    fn an_eligible_buyer_gets_an_empty_form_and_an_author_their_review_to_edit() {
        let product = Uuid::from_u128(1);
        let new = review_form(product, mine(true, false), None).unwrap();
        assert_eq!(
            (new.action.as_str(), new.editing, new.body.as_str()),
            ("/p/00000000-0000-0000-0000-000000000001/reviews", false, "")
        );
        let edit = review_form(product, mine(false, true), None).unwrap();
        assert!(edit.editing && edit.action.ends_with("/reviews/00000000-0000-0000-0000-000000000005"));
        assert!(edit.rated(&4) && !edit.rated(&5) && edit.body == "Good tea.");
        assert!(review_form(product, mine(false, false), None).is_none(), "no form for who may not review");
    }

    #[test]
    fn a_refused_form_keeps_what_was_typed() {
        let draft = ReviewDraft { rating: "2".into(), body: "Typed".into(), ..ReviewDraft::default() };
        let form = review_form(Uuid::from_u128(1), mine(false, true), Some(draft)).unwrap();
        assert!(form.editing && form.rated(&2) && form.body == "Typed");
    }
}
