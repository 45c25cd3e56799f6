//! One order of the seller's shop, `/sell/orders/{id}`: what was bought, where to send it, where it is and
//! its timeline; the forms order allows now — ship it (carrier and tracking number), mark it delivered,
//! cancel it (with the reason the buyer is told; order refunds them). A refused form comes back on the
//! page with order's message and what was typed. Another shop's order is not found.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::seller;
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::order::{OrderView, Reader};
use crate::pages::auth::Empty;
use crate::pages::orders::{CancelForm, Refused, refusal};
use crate::pages::{FormErrors, path_id, render_with};
use crate::session::{Session, SignedIn};
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "seller/order.html")]
struct OrderPage {
    chrome: Chrome,
    order: OrderView,
    reader: Reader,
    /// The forms as typed, and what order said about them.
    carrier: String,
    tracking_number: String,
    reason: String,
    errors: FormErrors,
    form_error: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    order_page(&app, &session, &user, path_id(&id)?, StatusCode::OK, Refused::default()).await
}

async fn order_page(
    app: &Storefront,
    session: &Session,
    user: &SignedIn,
    id: Uuid,
    status: StatusCode,
    refused: Refused,
) -> Result<Response, PageError> {
    let order = app.order.order(&user.access_token, id).await?;
    if !order.is_sold_by(user.user_id) {
        // An admin or the buyer may read it at /orders/{id}; this page is for its seller.
        return Err(PageError::NotFound);
    }
    let title = format!("Order placed {}", crate::chrome::human_time(&order.created_at));
    let mut chrome = Chrome::new(session, title, &format!("/sell/orders/{id}"));
    chrome.refresh = order.refund_pending();
    let page = OrderPage {
        chrome,
        order,
        reader: Reader::Seller,
        carrier: refused.carrier,
        tracking_number: refused.tracking_number,
        reason: refused.reason,
        errors: refused.errors,
        form_error: refused.form_error,
    };
    Ok(render_with(status, &page))
}

/// After an action: the order again with what happened, or the page with order's refusal.
async fn outcome(
    app: &Storefront,
    session: &Session,
    user: &SignedIn,
    id: Uuid,
    result: Result<OrderView, ClientError>,
    success: impl FnOnce(&OrderView) -> String,
    typed: Refused,
) -> Result<Response, PageError> {
    match result {
        Ok(order) => {
            tracing::info!(order.id = %id, order.status = %order.status, "a seller changed an order");
            session.flash("success", success(&order));
            Ok(Redirect::to(&format!("/sell/orders/{id}")).into_response())
        }
        Err(err) => {
            let (status, rejection) = refusal(err)?;
            order_page(app, session, user, id, status, typed.with(rejection)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShipForm {
    carrier: String,
    tracking_number: String,
}

pub async fn ship(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ShipForm>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let (carrier, tracking_number) = (form.carrier.trim(), form.tracking_number.trim());
    let result = app.order.ship(&user.access_token, id, carrier, tracking_number).await;
    let success =
        |_: &OrderView| format!("Shipped with {carrier}, tracking number {tracking_number}. The buyer can follow it.");
    let typed =
        Refused { carrier: form.carrier.clone(), tracking_number: form.tracking_number.clone(), ..Refused::default() };
    outcome(&app, &session, &user, id, result, success, typed).await
}

pub async fn deliver(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let result = app.order.deliver(&user.access_token, id).await;
    let success = |_: &OrderView| "Marked as delivered. The buyer can now review what they bought.".to_owned();
    outcome(&app, &session, &user, id, result, success, Refused::default()).await
}

pub async fn cancel(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let result = app.order.cancel(&user.access_token, id, &form.reason).await;
    let success = |order: &OrderView| match &order.refund {
        Some(refund) => format!("The order is cancelled; the buyer gets {} back.", refund.amount.formatted),
        None => "The order is cancelled.".to_owned(),
    };
    let typed = Refused { reason: form.reason.clone(), ..Refused::default() };
    outcome(&app, &session, &user, id, result, success, typed).await
}
