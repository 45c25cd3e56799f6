//! Following a checkout: `/checkout/{id}` (reserving the items, then paying) and `/checkout/{id}/result`
//! (the payment's outcome). Stages that wait on something elsewhere reload the page every second with a
//! meta refresh, so no script and no manual reload is needed; the result page also tells payment the buyer
//! is back, which completes a payment the provider has confirmed.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::pay::CardForm;
use crate::Storefront;
use crate::cart::Shopper;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::order::{CheckoutStatus, CheckoutView};
use crate::pages::{FormErrors, capitalise, path_id, render_with, signed_in};
use crate::payment::{PaymentStatus, PaymentView};
use crate::session::Session;
use agora_http::client::ClientError;

/// Where the checkout stands, as the buyer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Catalog is holding the stock.
    Reserving,
    /// Some products were short: nothing held, nothing charged.
    Rejected,
    /// Stock held; payment has not heard of the checkout yet.
    Preparing,
    /// The card form.
    Pay,
    /// A payment is at the provider, or succeeded and the orders are being confirmed.
    Confirming,
    Paid,
    /// Not paid in time: the items went back on sale.
    Cancelled,
    Refunded,
}

impl Stage {
    pub fn title(self) -> &'static str {
        match self {
            Stage::Reserving => "Reserving your items…",
            Stage::Rejected => "Some items ran out",
            Stage::Preparing => "Preparing your payment…",
            Stage::Pay => "Pay for your order",
            Stage::Confirming => "Confirming your payment…",
            Stage::Paid => "Thank you for your order!",
            Stage::Cancelled => "The time to pay ran out",
            Stage::Refunded => "Your payment was refunded",
        }
    }

    /// Whether the page waits on something and reloads itself.
    fn waits(self) -> bool {
        matches!(self, Stage::Reserving | Stage::Preparing | Stage::Confirming)
    }
}

#[derive(Template)]
#[template(path = "checkout/progress.html")]
pub struct ProgressPage {
    chrome: Chrome,
    stage: Stage,
    checkout: CheckoutView,
    payment: Option<PaymentView>,
    /// The card form as typed (never the card number or code), its field messages, and why the last
    /// attempt failed.
    card: CardForm,
    errors: FormErrors,
    failure: String,
}

impl ProgressPage {
    /// Pay before this time (RFC 3339): payment's word, else order's.
    fn pay_by(&self) -> String {
        let from_payment = self.payment.as_ref().map(|p| p.pay_by.clone()).filter(|t| !t.is_empty());
        from_payment.or_else(|| self.checkout.pay_by.clone()).unwrap_or_default()
    }

    /// What there is to pay, as payment says it.
    fn amount(&self) -> String {
        self.payment.as_ref().map_or_else(|| self.checkout.total.formatted.clone(), |p| p.amount.formatted.clone())
    }
}

/// The card form again after a refused attempt, with what to show.
#[derive(Default)]
pub struct Retry {
    pub card: CardForm,
    pub errors: FormErrors,
    pub failure: String,
}

pub async fn status(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    follow(&app, &session, &uri, &id, false, StatusCode::OK, Retry::default()).await
}

pub async fn result(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    follow(&app, &session, &uri, &id, true, StatusCode::OK, Retry::default()).await
}

/// The checkout's page at its current stage; `on_result` is the result page, which completes a payment the
/// provider confirmed. Another buyer's checkout is not found.
pub async fn follow(
    app: &Storefront,
    session: &Session,
    uri: &Uri,
    id: &str,
    on_result: bool,
    status: StatusCode,
    retry: Retry,
) -> Result<Response, PageError> {
    let user = signed_in(session, uri)?;
    let id = path_id(id)?;
    let token = user.access_token.as_str();
    let checkout = app.order.checkout(token, id).await?;
    let (stage, payment) = match checkout.status {
        CheckoutStatus::Pending => (Stage::Reserving, None),
        CheckoutStatus::Rejected => (Stage::Rejected, None),
        CheckoutStatus::Cancelled => (Stage::Cancelled, None),
        CheckoutStatus::Paid => {
            // Cart empties what was bought once it hears of the payment; the header catches up here.
            if let Ok(cart) = app.cart.view(&Shopper::Buyer(user.access_token.clone())).await {
                session.set_cart_count(cart.item_count);
            }
            (Stage::Paid, None)
        }
        CheckoutStatus::AwaitingPayment => match app.payment.payment(token, id).await {
            Ok(payment) => {
                let stage = match payment.status {
                    PaymentStatus::RequiresPayment => Stage::Pay,
                    PaymentStatus::Processing | PaymentStatus::Succeeded if !on_result => {
                        return Ok(Redirect::to(&format!("/checkout/{id}/result")).into_response());
                    }
                    PaymentStatus::Processing => {
                        if let Err(err) = app.payment.returned(token, id).await {
                            tracing::info!(checkout.id = %id, error = %err, "the payment is not complete yet");
                        }
                        Stage::Confirming
                    }
                    PaymentStatus::Succeeded | PaymentStatus::Other => Stage::Confirming,
                    PaymentStatus::Cancelled => Stage::Cancelled,
                    PaymentStatus::Refunded => Stage::Refunded,
                };
                (stage, Some(payment))
            }
            Err(ClientError::Problem(problem)) if problem.status == 404 => (Stage::Preparing, None),
            Err(err) => return Err(err.into()),
        },
        CheckoutStatus::Preview | CheckoutStatus::Other => (Stage::Confirming, None),
    };
    let failure = if !retry.failure.is_empty() || stage != Stage::Pay {
        retry.failure
    } else {
        let from_order = || checkout.payment_error.as_deref().filter(|m| !m.is_empty()).map(capitalise);
        payment.as_ref().and_then(PaymentView::failure).or_else(from_order).unwrap_or_default()
    };
    let path = if on_result { format!("/checkout/{id}/result") } else { format!("/checkout/{id}") };
    let mut chrome = Chrome::new(session, stage.title(), &path);
    chrome.refresh = stage.waits();
    let page = ProgressPage { chrome, stage, checkout, payment, card: retry.card, errors: retry.errors, failure };
    let status = if stage == Stage::Pay { status } else { StatusCode::OK };
    Ok(render_with(status, &page))
}
