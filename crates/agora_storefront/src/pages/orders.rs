//! The buyer's orders: `/orders`, newest first a page at a time (date, shop, total, status), and
//! `/orders/{id}` with its lines, address, total, status and timeline. Another buyer's order is not found.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::{render, signed_in};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::order::{OrderSummary, OrderView};
use crate::session::Session;

#[derive(Template)]
#[template(path = "orders/list.html")]
struct OrdersPage {
    chrome: Chrome,
    orders: Vec<OrderSummary>,
    first_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    cursor: String,
}

pub async fn list(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let page = app.order.orders(&user.access_token, &query.cursor).await?;
    let next_page = page.next_cursor.map(|cursor| {
        let query = serde_urlencoded::to_string([("cursor", cursor.as_str())]).unwrap_or_default();
        format!("/orders?{query}")
    });
    Ok(render(&OrdersPage {
        chrome: Chrome::new(&session, "Your orders", "/orders"),
        orders: page.items,
        first_page: (!query.cursor.is_empty()).then(|| "/orders".to_owned()),
        next_page,
    }))
}

#[derive(Template)]
#[template(path = "orders/order.html")]
struct OrderPage {
    chrome: Chrome,
    order: OrderView,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let order = app.order.order(&user.access_token, id).await?;
    let title = format!("Order from {}", order.seller.name());
    Ok(render(&OrderPage { chrome: Chrome::new(&session, title, &format!("/orders/{id}")), order }))
}
