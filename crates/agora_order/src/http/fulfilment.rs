//! Acting on one order after the sale (its seller ships and delivers; its buyer, its seller or an admin
//! cancels), and what its seller reads: their orders and the overview.

use agora_core::{Cursor, Page, PageSize};
use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{OrderSummary, OrderView, Orders, SellerOverview};
use crate::domain::{CancelInput, OrderError, ShipInput};

#[utoipa::path(post, path = "/orders/{id}/ship", tag = "fulfilment", request_body = ShipInput,
    params(("id" = Uuid, Path, description = "Order id")),
    responses((status = 200, description = "Shipped (the order's seller only)", body = OrderView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn ship(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ShipInput>,
) -> Result<Json<OrderView>, OrderError> {
    Ok(Json(orders.ship(&caller, id, &input).await?))
}

#[utoipa::path(post, path = "/orders/{id}/deliver", tag = "fulfilment",
    params(("id" = Uuid, Path, description = "Order id")),
    responses((status = 200, description = "Delivered (the order's seller only; again: unchanged)", body = OrderView), super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn deliver(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<OrderView>, OrderError> {
    Ok(Json(orders.deliver(&caller, id).await?))
}

#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "fulfilment", request_body = CancelInput,
    params(("id" = Uuid, Path, description = "Order id")),
    responses((status = 200, description = "Cancelled before shipping, refund on its way (again: unchanged)", body = OrderView), super::Invalid, super::Unauthenticated, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn cancel(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
    body: Option<JsonBody<CancelInput>>,
) -> Result<Json<OrderView>, OrderError> {
    let input = body.map(|JsonBody(input)| input).unwrap_or_default();
    Ok(Json(orders.cancel(&caller, id, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SellerOrdersParams {
    /// Only orders now `paid`, `shipped`, `delivered`, `cancelled` or `refunded`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// Page size (1–100, default 20).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/seller/orders", tag = "fulfilment", params(SellerOrdersParams),
    responses((status = 200, description = "The calling seller's paid orders, newest first", body = Page<OrderSummary>), super::Invalid, super::Unauthenticated, super::Forbidden),
    security(("bearer" = [])))]
pub async fn seller_orders(
    State(orders): State<Orders>,
    caller: Caller,
    Query(params): Query<SellerOrdersParams>,
) -> Result<Json<Page<OrderSummary>>, OrderError> {
    let cursor = params.cursor.map(Cursor::from);
    let size = PageSize::clamp(params.limit);
    Ok(Json(orders.seller_orders(&caller, params.status.as_deref(), cursor.as_ref(), size).await?))
}

#[utoipa::path(get, path = "/seller/overview", tag = "fulfilment",
    responses((status = 200, description = "The calling seller's last 30 days", body = SellerOverview), super::Unauthenticated, super::Forbidden),
    security(("bearer" = [])))]
pub async fn overview(State(orders): State<Orders>, caller: Caller) -> Result<Json<SellerOverview>, OrderError> {
    Ok(Json(orders.seller_overview(&caller).await?))
}
