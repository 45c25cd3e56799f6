//! Cancelling an order from its page (`POST /orders/{id}/cancel`, with an optional reason), and how a
//! refused order action is told: order's 409 (the order moved on: "the order is shipped; it cannot be
//! cancelled") or 422 (a field) comes back as a message on the order page with its current state.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Refused, order_page};
use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{Rejected, path_id, rejected, signed_in};
use crate::session::Session;
use agora_http::client::ClientError;

/// The cancel form of an order's page, the buyer's and the seller's alike.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    pub reason: String,
}

/// The status and messages for an order action order refused; errors that are not about the action (not
/// found, unavailable, signed out) become error pages.
pub fn refusal(err: ClientError) -> Result<(StatusCode, Rejected), PageError> {
    let status = match &err {
        ClientError::Problem(problem) => StatusCode::from_u16(problem.status).unwrap_or(StatusCode::CONFLICT),
        ClientError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    if let Some(code) = err.code() {
        tracing::info!(%code, "order refused an action on an order");
    }
    Ok((status, rejected(err)?))
}

pub async fn cancel(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id = path_id(&id)?;
    match app.order.cancel(&user.access_token, id, &form.reason).await {
        Ok(order) => {
            let refund = order.refund.as_ref().map(|r| r.amount.formatted.clone());
            let message = match refund {
                Some(amount) => {
                    format!("The order is cancelled. {amount} is being refunded to the card you paid with.")
                }
                None => "The order is cancelled.".to_owned(),
            };
            session.flash("success", message);
            Ok(Redirect::to(&format!("/orders/{id}")).into_response())
        }
        Err(err) => {
            let (status, rejection) = refusal(err)?;
            let refused = Refused { reason: form.reason, ..Refused::default() }.with(rejection);
            order_page(&app, &session, &user, id, status, refused).await
        }
    }
}
