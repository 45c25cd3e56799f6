//! Provider webhooks: the raw body and its `Stripe-Signature` header, verified before anything is read.
//! Answered 200 once applied, recognised as a duplicate, or about nothing payment acts on.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;

use crate::app::Payments;
use crate::domain::PaymentError;
use crate::provider::{simulated, stripe};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookAnswer {
    pub received: bool,
    /// `applied`, `duplicate`, `ignored` (an event type payment does not act on) or `unknown_charge`.
    pub outcome: &'static str,
}

async fn receive(
    payments: &Payments,
    route: &'static str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Json<WebhookAnswer>, PaymentError> {
    let outcome = payments.webhook(route, body, headers).await?;
    Ok(Json(WebhookAnswer { received: true, outcome: outcome.as_str() }))
}

#[utoipa::path(post, path = "/webhooks/simulated", tag = "webhooks",
    params(("Stripe-Signature" = String, Header, description = "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`, with `settings.payment.simulated.webhook_secret`")),
    request_body(content = Object, description = "A Stripe-shaped event (`payment_intent.succeeded`, `payment_intent.payment_failed`)", content_type = "application/json"),
    responses((status = 200, description = "Received", body = WebhookAnswer), super::BadWebhook,
        (status = 404, description = "`provider_not_enabled`: another provider is configured", content_type = "application/problem+json")))]
pub async fn simulated(
    State(payments): State<Payments>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookAnswer>, PaymentError> {
    receive(&payments, simulated::NAME, &headers, &body).await
}

#[utoipa::path(post, path = "/webhooks/stripe", tag = "webhooks",
    params(("Stripe-Signature" = String, Header, description = "Stripe's signature header, checked with `settings.payment.stripe.webhook_secret`")),
    request_body(content = Object, description = "A Stripe event (`payment_intent.succeeded`, `payment_intent.payment_failed`; others are ignored)", content_type = "application/json"),
    responses((status = 200, description = "Received", body = WebhookAnswer), super::BadWebhook,
        (status = 404, description = "`provider_not_enabled`: another provider is configured", content_type = "application/problem+json")))]
pub async fn stripe(
    State(payments): State<Payments>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookAnswer>, PaymentError> {
    receive(&payments, stripe::NAME, &headers, &body).await
}
