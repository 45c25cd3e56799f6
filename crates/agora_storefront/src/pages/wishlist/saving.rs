//! Saving and removing with plain forms, from a product page, a result card or the wishlist page: each
//! answers with a redirect back to the page the form was on and a flash message saying what happened or,
//! readably, why not. A visitor whose session ended is asked to sign in and comes back to that page.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::buttons::sign_in_then;
use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{capitalise, local_path, path_id};
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SaveForm {
    product_id: String,
    /// The page to return to.
    back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    back: String,
}

/// Saves a product to the buyer's wishlist; saving it again changes nothing.
pub async fn save(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(form): CsrfForm<SaveForm>,
) -> Result<Response, PageError> {
    let back = back_to(&form.back);
    let Ok(product_id) = form.product_id.trim().parse::<Uuid>() else { return Err(PageError::BadRequest) };
    let Some(user) = session.user() else { return Ok(sign_in_first(&session, &back)) };
    match app.wishlist.save(&user.access_token, product_id).await {
        Ok(title) => {
            let what = title.map_or_else(|| "The product".to_owned(), |t| format!("“{t}”"));
            session.flash("success", format!("{what} is in your wishlist."));
        }
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(&back).into_response())
}

/// Takes a product out of the buyer's wishlist (one that is not in it: nothing to do).
pub async fn remove(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> Result<Response, PageError> {
    let product_id = path_id(&id)?;
    let back = back_to(&form.back);
    let Some(user) = session.user() else { return Ok(sign_in_first(&session, &back)) };
    match app.wishlist.remove(&user.access_token, product_id).await {
        Ok(()) => session.flash("success", "Removed from your wishlist."),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(&back).into_response())
}

/// Where a form goes back to: the local page it names, else the wishlist.
fn back_to(back: &str) -> String {
    if back.is_empty() { "/wishlist" } else { local_path(back) }.to_owned()
}

/// A visitor (whose session ended meanwhile): sign in first, then come back to `back`.
fn sign_in_first(session: &Session, back: &str) -> Response {
    session.flash("info", "Please sign in to keep a wishlist.");
    Redirect::to(&sign_in_then(back)).into_response()
}

/// What to tell the buyer when wishlist refuses a change; a token it no longer accepts ends the session.
fn refusal(err: ClientError) -> Result<String, PageError> {
    let ClientError::Problem(problem) = err else {
        tracing::warn!(error = %err, "the wishlist could not be changed");
        return Ok("Your wishlist cannot be changed right now. Please try again in a minute.".to_owned());
    };
    let detail = || capitalise(problem.detail.as_deref().unwrap_or("That could not be done."));
    Ok(match (problem.status, problem.code.as_str()) {
        (401, _) => return Err(PageError::SessionEnded),
        (404, "product_not_found") => "This product is not for sale any more, so it cannot be saved.".to_owned(),
        (409, "wishlist_full") => {
            "Your wishlist is full. Remove something from it to make room for this product.".to_owned()
        }
        (400 | 422, _) => problem.errors.first().map(|e| capitalise(&e.message)).unwrap_or_else(detail),
        _ => detail(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_http::client::Problem;

    fn problem(status: u16, code: &str) -> ClientError {
        ClientError::Problem(Problem {
            status,
            code: code.to_owned(),
            detail: Some("wishlist holds at most 200 products".to_owned()),
            errors: Vec::new(),
            retry_after: None,
        })
    }

    #[test]
    fn refusals_read_as_sentences() {
        assert_eq!(
            refusal(problem(404, "product_not_found")).unwrap(),
            "This product is not for sale any more, so it cannot be saved."
        );
        assert!(refusal(problem(409, "wishlist_full")).unwrap().starts_with("Your wishlist is full."));
        assert_eq!(refusal(problem(409, "something_new")).unwrap(), "Wishlist holds at most 200 products.");
        assert!(refusal(ClientError::Unavailable("down".into())).unwrap().contains("cannot be changed right now"));
        assert!(matches!(refusal(problem(401, "invalid_token")), Err(PageError::SessionEnded)));
    }

    #[test]
    fn forms_go_back_only_to_local_pages() {
        assert_eq!(back_to("/search?q=tea"), "/search?q=tea");
        assert_eq!(back_to("https://evil.example"), "/");
        assert_eq!(back_to(""), "/wishlist");
    }
}
