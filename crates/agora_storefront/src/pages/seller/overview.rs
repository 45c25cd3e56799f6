//! The seller's sales overview, `/sell/overview`: revenue and paid orders per day over the last 30 days as
//! an inline SVG chart (with the figures as a table too), totals, orders by state (each linking to the
//! filtered order list), best-selling products and products running low (linking to their edit form).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;

use super::seller;
use crate::Storefront;
use crate::chart::{Chart, Day};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::order::SellerOverview;
use crate::pages::render;
use crate::session::Session;

#[derive(Template)]
#[template(path = "seller/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    overview: SellerOverview,
    chart: Chart,
}

impl OverviewPage {
    /// "3 Mar 2026" for a `YYYY-MM-DD` day.
    fn day(&self, date: &str) -> String {
        self.chrome.date(date)
    }
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let overview = app.order.seller_overview(&user.access_token).await?;
    let days: Vec<Day<'_>> = overview
        .days
        .iter()
        .map(|d| Day {
            date: &d.date,
            revenue_minor: d.revenue.amount_minor,
            revenue: &d.revenue.formatted,
            orders: d.orders,
        })
        .collect();
    let chart = Chart::daily(&days, &overview.currency);
    Ok(render(&OverviewPage { chrome: Chrome::new(&session, "Sales overview", "/sell/overview"), overview, chart }))
}
