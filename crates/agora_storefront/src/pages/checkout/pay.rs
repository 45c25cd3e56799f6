//! Paying, `POST /checkout/{id}/pay`: the simulated provider's card form goes to payment, then the buyer
//! follows the outcome on the result page. A refused card is told there, with the form again; fields payment
//! did not accept come back next to the form's fields. The card number and code are never shown again,
//! kept or logged.

use std::fmt;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::progress::{Retry, follow};
use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{FormErrors, path_id, rejected, signed_in};
use crate::payment::CardInput;
use crate::session::Session;
use agora_http::client::ClientError;

/// The card form's fields.
const FIELDS: [&str; 5] = ["card_number", "exp_month", "exp_year", "cvc", "cardholder"];

/// The card form as posted. Its `Debug` shows nothing of it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CardForm {
    pub card_number: String,
    pub exp_month: String,
    pub exp_year: String,
    pub cvc: String,
    pub cardholder: String,
}

impl fmt::Debug for CardForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardForm").finish_non_exhaustive()
    }
}

impl CardForm {
    /// What the form may show again: never the card number or its code.
    fn shown_again(&self) -> CardForm {
        CardForm { card_number: String::new(), cvc: String::new(), ..self.clone() }
    }

    /// The card as payment takes it, or a message per field that is not a number.
    fn input(&self, errors: &mut FormErrors) -> CardInput {
        let mut number = |field: &str, text: &str, example: &str| match text.trim() {
            "" => None,
            text => text.parse::<i64>().ok().or_else(|| {
                errors.insert(field, format!("Enter it as a number, like {example}."));
                None
            }),
        };
        CardInput {
            exp_month: number("exp_month", &self.exp_month, "7"),
            exp_year: number("exp_year", &self.exp_year, "2030"),
            card_number: self.card_number.clone(),
            cvc: self.cvc.clone(),
            cardholder: self.cardholder.clone(),
        }
    }
}

pub async fn pay(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CardForm>,
) -> Result<Response, PageError> {
    let checkout = path_id(&id)?;
    let (status_page, result_page) = (format!("/checkout/{checkout}"), format!("/checkout/{checkout}/result"));
    // Signed out meanwhile: sign in, then back to the checkout's page (this address only takes posts).
    let uri: Uri = status_page.parse().map_err(|_| PageError::NotFound)?;
    let user = signed_in(&session, &uri)?;
    let mut errors = FormErrors::default();
    let card = form.input(&mut errors);
    let again = |errors: FormErrors, failure: String| Retry { card: form.shown_again(), errors, failure };
    if !errors.is_empty() {
        let retry = again(errors, "Please correct the highlighted fields.".to_owned());
        return follow(&app, &session, &uri, &id, false, StatusCode::UNPROCESSABLE_ENTITY, retry).await;
    }
    let outcome = app.payment.pay(&user.access_token, checkout, &card).await;
    let problem = match outcome {
        Ok(_) => return Ok(Redirect::to(&result_page).into_response()),
        Err(ClientError::Unavailable(reason)) => {
            tracing::warn!(checkout.id = %checkout, %reason, "a payment could not be made");
            session.flash(
                "error",
                "Payments cannot be taken right now. Nothing was charged: please try again in a minute.",
            );
            return Ok(Redirect::to(&status_page).into_response());
        }
        Err(ClientError::Problem(problem)) => problem,
    };
    match (problem.status, problem.code.as_str()) {
        (401, _) => Err(PageError::SessionEnded),
        (404, "payment_not_found") => {
            session.flash("info", "Your payment is still being prepared. Please try again in a moment.");
            Ok(Redirect::to(&status_page).into_response())
        }
        (404, _) => Err(PageError::NotFound),
        (409, "payment_closed") => {
            session.flash("info", "The time to pay for this order has run out.");
            Ok(Redirect::to(&result_page).into_response())
        }
        (409, "already_paid" | "payment_in_progress" | "invalid_payment_state") => {
            Ok(Redirect::to(&result_page).into_response())
        }
        (400 | 422, _) => {
            let mut rejected = rejected(ClientError::Problem(problem))?;
            let unknown = rejected.fields.remove_unknown(&FIELDS);
            let failure = unknown.into_iter().next().unwrap_or(rejected.message);
            let retry = again(rejected.fields, failure);
            follow(&app, &session, &uri, &id, false, StatusCode::UNPROCESSABLE_ENTITY, retry).await
        }
        // The card was refused (`card_declined`, `insufficient_funds`…): the result page tells why and
        // offers the form again.
        _ => {
            tracing::info!(checkout.id = %checkout, code = %problem.code, "a payment attempt was refused");
            Ok(Redirect::to(&result_page).into_response())
        }
    }
}
