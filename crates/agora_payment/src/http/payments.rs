//! A checkout's payment over REST: its buyer (or an admin) sees it, pays it, and comes back to it from
//! the payment page.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use uuid::Uuid;

use crate::app::{PaymentView, Payments};
use crate::domain::{AttemptInput, PaymentError};

#[utoipa::path(get, path = "/checkouts/{checkout_id}/payment", tag = "payments",
    params(("checkout_id" = Uuid, Path, description = "Checkout id")),
    responses((status = 200, description = "The checkout's payment", body = PaymentView), super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn get_one(
    State(payments): State<Payments>,
    caller: Caller,
    Path(checkout_id): Path<Uuid>,
) -> Result<Json<PaymentView>, PaymentError> {
    Ok(Json(payments.payment(&caller, checkout_id).await?))
}

#[utoipa::path(post, path = "/checkouts/{checkout_id}/payment/attempts", tag = "payments",
    params(("checkout_id" = Uuid, Path, description = "Checkout id")),
    request_body(content = AttemptInput, description = "Card fields (simulated provider) or `payment_method` (Stripe-compatible). The amount is the checkout's: an `amount` sent here is ignored."),
    responses((status = 200, description = "The payment after the attempt: `succeeded`, or `processing` until the provider's webhook (or the browser return) completes it", body = PaymentView),
        super::Declined, super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict, super::Unavailable),
    security(("bearer" = [])))]
pub async fn attempt(
    State(payments): State<Payments>,
    caller: Caller,
    Path(checkout_id): Path<Uuid>,
    JsonBody(input): JsonBody<AttemptInput>,
) -> Result<Json<PaymentView>, PaymentError> {
    Ok(Json(payments.attempt(&caller, checkout_id, &input).await?))
}

#[utoipa::path(post, path = "/checkouts/{checkout_id}/payment/return", tag = "payments",
    params(("checkout_id" = Uuid, Path, description = "Checkout id")),
    responses((status = 200, description = "The buyer is back from the payment page: a processing charge is looked up at the provider and completed if it succeeded", body = PaymentView),
        super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn browser_return(
    State(payments): State<Payments>,
    caller: Caller,
    Path(checkout_id): Path<Uuid>,
) -> Result<Json<PaymentView>, PaymentError> {
    Ok(Json(payments.browser_return(&caller, checkout_id).await?))
}
