//! The review forms of a product page: a buyer posts a review (`POST /p/{id}/reviews`) or changes theirs
//! (`POST /p/{id}/reviews/{review}`), the product's seller replies (`…/reply`), an admin removes one
//! (`…/remove`). Catalog decides who may; a refusal about the text comes back on the product page with
//! what was typed, anything else as a message at the top of it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::product::product_page;
use super::reviews::{Drafts, ReplyDraft, ReviewDraft};
use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{FormErrors, Rejected, path_id, rejected, signed_in};
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewInput {
    rating: String,
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyInput {
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveInput {
    reason: String,
}

/// The rating field: 1 to 5 stars.
fn rating(text: &str) -> Result<u8, &'static str> {
    match text.trim().parse::<u8>() {
        Ok(stars @ 1..=5) => Ok(stars),
        _ => Err("Choose from 1 to 5 stars."),
    }
}

fn back(product: Uuid) -> Response {
    Redirect::to(&format!("/p/{product}#reviews")).into_response()
}

/// The status a refused form's page answers with.
fn status_of(err: &ClientError) -> StatusCode {
    match err {
        ClientError::Problem(p) => StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
        ClientError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The product page again with the review form as it was typed and why it was refused.
async fn review_refused(
    app: &Storefront,
    session: &Session,
    product: Uuid,
    input: ReviewInput,
    rejection: Rejected,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut errors = rejection.fields;
    let elsewhere = errors.remove_unknown(&["rating", "body"]);
    let message = if elsewhere.is_empty() { rejection.message } else { elsewhere.join(" ") };
    let draft = ReviewDraft { rating: input.rating, body: input.body, errors, message };
    product_page(app, session, product, 0, "", Drafts { review: Some(draft), reply: None }, status).await
}

/// Posts or changes the visitor's review; `review` is theirs when changing it.
async fn save(
    app: &Storefront,
    session: &Session,
    uri: &Uri,
    product: &str,
    review: Option<&str>,
    input: ReviewInput,
) -> Result<Response, PageError> {
    let user = signed_in(session, uri)?;
    let product = path_id(product)?;
    let stars = match rating(&input.rating) {
        Ok(stars) => stars,
        Err(message) => {
            let mut fields = FormErrors::default();
            fields.insert("rating", message);
            let rejection = Rejected { fields, message: "Please correct the highlighted fields.".into() };
            return review_refused(app, session, product, input, rejection, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let token = &user.access_token;
    let body = input.body.trim();
    let result = match review {
        Some(review) => app.catalog.edit_review(token, product, path_id(review)?, stars, body).await,
        None => app.catalog.post_review(token, product, stars, body).await,
    };
    match result {
        Ok(_) if review.is_some() => {
            session.flash("success", "Your review is updated.");
            Ok(back(product))
        }
        Ok(_) => {
            tracing::info!(product.id = %product, "a buyer reviewed a product");
            session.flash("success", "Thank you: your review is posted.");
            Ok(back(product))
        }
        Err(err) if err.code() == Some("review_not_allowed") => {
            session.flash("error", "You can review a product once an order of it has been delivered to you.");
            Ok(back(product))
        }
        Err(err) if err.code() == Some("already_reviewed") => {
            session.flash("info", "You have reviewed this product already; you can change your review below.");
            Ok(back(product))
        }
        Err(err) => {
            let status = status_of(&err);
            review_refused(app, session, product, input, rejected(err)?, status).await
        }
    }
}

pub async fn post(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(product): Path<String>,
    CsrfForm(input): CsrfForm<ReviewInput>,
) -> Result<Response, PageError> {
    save(&app, &session, &uri, &product, None, input).await
}

pub async fn edit(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((product, review)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<ReviewInput>,
) -> Result<Response, PageError> {
    save(&app, &session, &uri, &product, Some(&review), input).await
}

pub async fn reply(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((product, review)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<ReplyInput>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let (product, review) = (path_id(&product)?, path_id(&review)?);
    match app.catalog.reply(&user.access_token, product, review, input.body.trim()).await {
        Ok(_) => {
            session.flash("success", "Your reply is posted under the review.");
            Ok(back(product))
        }
        Err(err) if err.code() == Some("already_replied") => {
            session.flash("info", "This review has a reply already.");
            Ok(back(product))
        }
        Err(err) => {
            let status = status_of(&err);
            let rejection = rejected(err)?;
            let error = rejection.message_or("The reply was not accepted.");
            let draft = ReplyDraft { review_id: review, body: input.body, error };
            product_page(&app, &session, product, 0, "", Drafts { review: None, reply: Some(draft) }, status).await
        }
    }
}

pub async fn remove(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((product, review)): Path<(String, String)>,
    CsrfForm(input): CsrfForm<RemoveInput>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let (product, review) = (path_id(&product)?, path_id(&review)?);
    match app.catalog.remove_review(&user.access_token, product, review, &input.reason).await {
        Ok(()) => {
            tracing::info!(product.id = %product, review.id = %review, "an admin removed a review");
            session.flash("success", "The review is removed.");
        }
        Err(ClientError::Problem(problem)) if problem.status == 404 => {
            session.flash("info", "That review was removed already.");
        }
        Err(err) => {
            // A reason too long, say: told at the top of the page.
            let rejection = rejected(err)?;
            session.flash("error", rejection.message_or("The review was not removed."));
        }
    }
    Ok(back(product))
}

#[cfg(test)]
mod tests {
    use super::rating;

    #[test]
    fn a_rating_is_one_to_five_stars() {
        assert_eq!(["1", " 5 ", "3"].map(rating), [Ok(1), Ok(5), Ok(3)]);
        for refused in ["0", "6", "", "five", "-1", "2.5"] {
            assert!(rating(refused).is_err(), "{refused:?}");
        }
    }
}
