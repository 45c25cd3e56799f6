//! "Message the seller" on a product page: `POST /messages` with the product opens the user's conversation
//! with its seller (the one they already have, if any) and goes to it. A visitor signs in first and comes
//! back to the product; a refusal (their own product, a product no longer for sale, chat or catalog not
//! answering) goes back to the product page with a message saying so.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::wishlist::buttons::sign_in_then;
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    product_id: String,
}

pub async fn open(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> Result<Response, PageError> {
    let Ok(product_id) = form.product_id.trim().parse::<Uuid>() else { return Err(PageError::BadRequest) };
    let product_page = format!("/p/{product_id}");
    let Some(user) = session.user() else {
        session.flash("info", "Please sign in to message the seller.");
        return Ok(Redirect::to(&sign_in_then(&product_page)).into_response());
    };
    match app.chat.open(&user.access_token, product_id).await {
        Ok(conversation) => Ok(Redirect::to(&format!("/messages/{}", conversation.id)).into_response()),
        Err(err) => {
            session.flash("error", refusal(err)?);
            Ok(Redirect::to(&product_page).into_response())
        }
    }
}

/// What to tell the user when the conversation cannot be opened; a token chat no longer accepts ends the
/// session. Chat's 503 `catalog_unavailable` arrives as unavailable, like chat itself not answering.
fn refusal(err: ClientError) -> Result<&'static str, PageError> {
    let ClientError::Problem(problem) = err else {
        tracing::warn!(error = %err, "a conversation could not be opened");
        return Ok("Messaging the seller is not possible right now. Please try again in a minute.");
    };
    Ok(match (problem.status, problem.code.as_str()) {
        (401, _) => return Err(PageError::SessionEnded),
        (_, "own_product") => {
            "This is your own product: buyers can message you about it, but you cannot message yourself."
        }
        (404, _) => "This product is not for sale any more, so its seller cannot be messaged about it.",
        _ => {
            tracing::warn!(code = %problem.code, "chat refused to open a conversation");
            "Messaging the seller is not possible right now. Please try again in a minute."
        }
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
            detail: None,
            errors: Vec::new(),
            retry_after: None,
        })
    }

    #[test]
    fn refusals_read_as_sentences() {
        assert!(refusal(problem(422, "own_product")).unwrap().starts_with("This is your own product"));
        assert!(refusal(problem(404, "product_not_found")).unwrap().starts_with("This product is not for sale"));
        assert!(refusal(ClientError::Unavailable("down".into())).unwrap().contains("not possible right now"));
        assert!(matches!(refusal(problem(401, "invalid_token")), Err(PageError::SessionEnded)));
    }
}
