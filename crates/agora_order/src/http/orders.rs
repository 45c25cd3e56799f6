//! The caller's orders.

use agora_core::{Cursor, Page, PageSize};
use agora_http::Caller;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{OrderSummary, OrderView, Orders};
use crate::domain::OrderError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    /// Page size (1–100, default 20).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/orders", tag = "orders", params(PageParams),
    responses((status = 200, description = "The caller's orders, newest first", body = Page<OrderSummary>), super::Invalid, super::Unauthenticated),
    security(("bearer" = [])))]
pub async fn mine(
    State(orders): State<Orders>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> Result<Json<Page<OrderSummary>>, OrderError> {
    let cursor = page.cursor.map(Cursor::from);
    Ok(Json(orders.my_orders(&caller, cursor.as_ref(), PageSize::clamp(page.limit)).await?))
}

#[utoipa::path(get, path = "/orders/{id}", tag = "orders", params(("id" = Uuid, Path, description = "Order id")),
    responses((status = 200, description = "The order with its timeline (its buyer or an admin)", body = OrderView), super::Unauthenticated, super::NotFound),
    security(("bearer" = [])))]
pub async fn get_one(
    State(orders): State<Orders>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<OrderView>, OrderError> {
    Ok(Json(orders.order(&caller, id).await?))
}
