//! The seller's orders, `/sell/orders`: every paid order of their shop, newest first a page at a time,
//! filtered by state with tabs (to ship, shipped, delivered, cancelled, refunded).

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;

use super::seller;
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::order::{OrderSummary, SELLER_STATUSES};
use crate::pages::render;
use crate::session::Session;

/// A filter tab: its link, its label, and whether it is the one shown.
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "seller/orders.html")]
struct OrdersPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    /// The tab's label, for the heading of an empty list.
    filter: &'static str,
    orders: Vec<OrderSummary>,
    first_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrdersQuery {
    status: String,
    cursor: String,
}

/// What a seller reads for each state of the filter.
fn tab_label(status: &str) -> &'static str {
    match status {
        "paid" => "To ship",
        "shipped" => "Shipped",
        "delivered" => "Delivered",
        "cancelled" => "Cancelled",
        "refunded" => "Refunded",
        _ => "All",
    }
}

/// The list's address with these parameters (empty ones left out).
fn link(status: &str, cursor: &str) -> String {
    let pairs: Vec<(&str, &str)> =
        [("status", status), ("cursor", cursor)].into_iter().filter(|(_, v)| !v.is_empty()).collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("/sell/orders?{query}"),
        _ => "/sell/orders".to_owned(),
    }
}

pub async fn list(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(query): Query<OrdersQuery>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let status = query.status.trim();
    if !status.is_empty() && !SELLER_STATUSES.contains(&status) {
        return Err(PageError::BadRequest);
    }
    let page = app.order.seller_orders(&user.access_token, status, &query.cursor).await?;
    let tabs = std::iter::once("")
        .chain(SELLER_STATUSES)
        .map(|s| Tab { href: link(s, ""), label: tab_label(s), current: s == status })
        .collect();
    Ok(render(&OrdersPage {
        chrome: Chrome::new(&session, "Orders", "/sell/orders"),
        tabs,
        filter: tab_label(status),
        orders: page.items,
        first_page: (!query.cursor.is_empty()).then(|| link(status, "")),
        next_page: page.next_cursor.map(|cursor| link(status, &cursor)),
    }))
}

#[cfg(test)]
mod tests {
    use super::link;

    #[test]
    fn list_links_keep_the_filter_and_leave_out_what_is_empty() {
        assert_eq!(link("", ""), "/sell/orders");
        assert_eq!(link("paid", ""), "/sell/orders?status=paid");
        assert_eq!(link("shipped", "a b&c"), "/sell/orders?status=shipped&cursor=a+b%26c");
        assert_eq!(link("", "xyz"), "/sell/orders?cursor=xyz");
    }
}
