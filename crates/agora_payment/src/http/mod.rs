//! Payment's REST API under `/api/payment`. Handlers are thin: parse, call a use case, shape the answer.
//! The buyer is the caller of the token; the amount is the checkout's, never a field of a request.

mod payments;
mod webhooks;

use axum::Router;
use axum::routing::{get, post};
use utoipa::openapi::OpenApi;

use crate::app::Payments;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(payments::get_one, payments::attempt, payments::browser_return, webhooks::simulated, webhooks::stripe),
    tags(
        (name = "payments", description = "A checkout's payment, as its buyer pays it"),
        (name = "webhooks", description = "Signed notifications from the payment provider"),
    )
)]
struct PaymentApi;

pub fn openapi() -> OpenApi {
    agora_http::openapi::finish(<PaymentApi as utoipa::OpenApi>::openapi(), "payment")
}

agora_http::problem_responses! {
    Invalid = 422, "Invalid input: `errors` names each field (also 400 malformed, 413 too large, 415 wrong type)";
    Unauthenticated = 401, "No token, or a bad or expired one";
    NotFound = 404, "`payment_not_found`: no payment for this checkout yet (it is being prepared: ask again shortly), or not one the caller may see";
    Conflict = 409, "Not payable now, `payment_status` names the payment's state: `payment_closed` (cancelled, refunded or past `pay_by`), `already_paid`, `payment_in_progress`";
    Declined = 402, "The provider declined: `card_declined`, `insufficient_funds`, … with the provider's message; the buyer may try again";
    Unavailable = 503, "`provider_unavailable`: the provider could not be reached; the attempt failed and may be repeated";
    BadWebhook = 400, "`bad_signature` (missing, wrong or stale `Stripe-Signature`) or `invalid_webhook`: nothing was applied";
}

pub fn router(payments: Payments) -> Router {
    Router::new()
        .route("/checkouts/{checkout_id}/payment", get(payments::get_one))
        .route("/checkouts/{checkout_id}/payment/attempts", post(payments::attempt))
        .route("/checkouts/{checkout_id}/payment/return", post(payments::browser_return))
        .route("/webhooks/simulated", post(webhooks::simulated))
        .route("/webhooks/stripe", post(webhooks::stripe))
        .with_state(payments)
}
