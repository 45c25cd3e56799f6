//! The buyer's orders: `/orders`, newest first a page at a time (date, shop, total, status), and
//! `/orders/{id}` with its lines, address, total, where it is (shipped with tracking, delivered, cancelled
//! and by whom, refunded), its timeline, a form to cancel it while order allows, and once delivered a way
//! to review each product. Another buyer's order is not found.

mod actions;

pub use actions::{CancelForm, cancel, refusal};

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use uuid::Uuid;

use super::paging::{PageQuery, next_link};
use super::{FormErrors, Rejected, path_id, render, render_with, signed_in};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::order::{OrderSummary, OrderView, Reader};
use crate::session::{Session, SignedIn};

#[derive(Template)]
#[template(path = "orders/list.html")]
struct OrdersPage {
    chrome: Chrome,
    orders: Vec<OrderSummary>,
    first_page: Option<String>,
    next_page: Option<String>,
}

pub async fn list(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let page = app.order.orders(&user.access_token, &query.cursor).await?;
    Ok(render(&OrdersPage {
        chrome: Chrome::new(&session, "Your orders", "/orders"),
        orders: page.items,
        first_page: (!query.cursor.is_empty()).then(|| "/orders".to_owned()),
        next_page: next_link("/orders", &[], page.next_cursor),
    }))
}

/// A way to review one product of a delivered order, on its page.
pub struct ReviewLink {
    pub product_id: Uuid,
    pub title: String,
    /// The buyer reviewed it already: the link edits.
    pub reviewed: bool,
}

#[derive(Template)]
#[template(path = "orders/order.html")]
struct OrderPage {
    chrome: Chrome,
    order: OrderView,
    reader: Reader,
    reviews: Vec<ReviewLink>,
    /// The cancel form as typed, and what order said about it.
    reason: String,
    errors: FormErrors,
    form_error: String,
}

/// What a refused order form brings back to the order page: what was typed, and order's messages.
#[derive(Default)]
pub struct Refused {
    pub reason: String,
    pub carrier: String,
    pub tracking_number: String,
    pub errors: FormErrors,
    pub form_error: String,
}

impl Refused {
    /// Takes order's refusal: messages next to the order forms' fields, the rest above the forms.
    pub fn with(mut self, rejection: Rejected) -> Refused {
        let mut fields = rejection.fields;
        let elsewhere = fields.remove_unknown(&["reason", "carrier", "tracking_number"]);
        self.form_error = if elsewhere.is_empty() { rejection.message } else { elsewhere.join(" ") };
        self.errors = fields;
        self
    }
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id = path_id(&id)?;
    order_page(&app, &session, &user, id, StatusCode::OK, Refused::default()).await
}

/// The order page as `user` reads it, with a refused form's messages if any.
pub async fn order_page(
    app: &Storefront,
    session: &Session,
    user: &SignedIn,
    id: Uuid,
    status: StatusCode,
    refused: Refused,
) -> Result<Response, PageError> {
    let order = app.order.order(&user.access_token, id).await?;
    let reader = if order.buyer_id == Some(user.user_id) {
        Reader::Buyer
    } else if order.is_sold_by(user.user_id) {
        Reader::Seller
    } else {
        Reader::Admin
    };
    let reviews = if order.is_delivered() && reader == Reader::Buyer {
        review_links(app, user, &order).await
    } else {
        Vec::new()
    };
    let title = format!("Order from {}", order.seller.name());
    let mut chrome = Chrome::new(session, title, &format!("/orders/{id}"));
    chrome.refresh = order.refund_pending();
    Ok(render_with(
        status,
        &OrderPage {
            chrome,
            order,
            reader,
            reviews,
            reason: refused.reason,
            errors: refused.errors,
            form_error: refused.form_error,
        },
    ))
}

/// For each product of a delivered order: a link to review it, or to edit the buyer's review. When catalog
/// cannot say, the link still leads to the product's page, which does.
async fn review_links(app: &Storefront, user: &SignedIn, order: &OrderView) -> Vec<ReviewLink> {
    let mut links = Vec::new();
    for (product_id, title) in order.products() {
        let reviewed = match app.catalog.my_review(&user.access_token, product_id).await {
            Ok(mine) => mine.review.is_some(),
            Err(err) => {
                tracing::info!(product.id = %product_id, error = %err, "could not ask catalog for the buyer's review");
                false
            }
        };
        links.push(ReviewLink { product_id, title, reviewed });
    }
    links
}
