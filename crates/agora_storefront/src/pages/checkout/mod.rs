//! Checking out, `/checkout`: where to send it (a saved address, or a new one with a message next to each
//! field order did not accept), the cart priced now and split by seller with changed prices flagged and what
//! cannot be bought named, and "Place order". The place-order form carries an idempotency key made when the
//! page was rendered, so sending it twice (a double click, a reload) answers the same checkout.
//!
//! Then `/checkout/{id}` follows the checkout (reserving, paying) and `/checkout/{id}/result` its outcome.

mod address;
mod pay;
mod progress;

pub use address::add_address;
pub use pay::pay;
pub use progress::{result, status};

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::cart::shopper::adopt_guest_cart;
use super::{FormErrors, Rejected, capitalise, render_with, signed_in};
use crate::Storefront;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::order::{Address, CheckoutView, SavedAddress};
use crate::session::{Session, SignedIn};
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "checkout/checkout.html")]
struct CheckoutPage {
    chrome: Chrome,
    addresses: Vec<SavedAddress>,
    /// The address chosen when the page opens.
    chosen: Option<Uuid>,
    preview: CheckoutView,
    /// The new-address form as typed, and what order said about it.
    address: Address,
    errors: FormErrors,
    form_error: String,
    /// Names this checkout at order: the same key always answers the same checkout.
    key: String,
}

impl CheckoutPage {
    fn is_chosen(&self, id: &Uuid) -> bool {
        self.chosen.as_ref() == Some(id)
    }

    /// Whether "Place order" can work: something to buy, nothing that cannot be.
    fn can_place(&self) -> bool {
        !self.preview.orders.is_empty() && self.preview.unavailable_lines.is_empty()
    }

    /// The new-address form starts open when there is no saved address, or it needs correcting.
    fn address_form_open(&self) -> bool {
        self.addresses.is_empty() || !self.errors.is_empty() || !self.form_error.is_empty()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CheckoutQuery {
    /// The address to choose (one just added).
    address: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<CheckoutQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let chosen = query.address.parse().ok();
    page(&app, &session, &uri, chosen, StatusCode::OK, Address::default(), None).await
}

/// The checkout page; `rejected` and `typed` bring back the new-address form with its messages.
async fn page(
    app: &Storefront,
    session: &Session,
    uri: &Uri,
    chosen: Option<Uuid>,
    status: StatusCode,
    typed: Address,
    rejected: Option<Rejected>,
) -> Result<Response, PageError> {
    let user = signed_in(session, uri)?;
    if session.cart_token().is_some() {
        adopt_guest_cart(app, session).await;
    }
    let token = user.access_token.as_str();
    let (addresses, preview) = tokio::join!(app.order.addresses(token), app.order.preview(token));
    let (addresses, preview) = (addresses?, preview?);
    if preview.orders.is_empty() && preview.unavailable_lines.is_empty() {
        session.flash("info", "Your cart is empty: add something to check out.");
        return Ok(Redirect::to("/cart").into_response());
    }
    let chosen = chosen.filter(|id| addresses.iter().any(|a| a.id == *id)).or(addresses.first().map(|a| a.id));
    let (errors, form_error) = rejected.map(|r| (r.fields, r.message)).unwrap_or_default();
    let page = CheckoutPage {
        chrome: Chrome::new(session, "Check out", "/checkout"),
        addresses,
        chosen,
        preview,
        address: typed,
        errors,
        form_error,
        key: idempotency_key()?,
    };
    Ok(render_with(status, &page))
}

/// A new UUID v4 for the place-order form.
fn idempotency_key() -> Result<String, PageError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| PageError::Internal(format!("no randomness for a key: {e}")))?;
    Ok(uuid::Builder::from_random_bytes(bytes).into_uuid().to_string())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlaceForm {
    address_id: String,
    idempotency_key: String,
}

/// Places the checkout and follows it; a refusal goes back to the page that can fix it, saying why.
pub async fn place(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<PlaceForm>,
) -> Result<Response, PageError> {
    let user: SignedIn = signed_in(&session, &uri)?;
    let back = |kind: &str, message: &str| {
        session.flash(kind, message);
        Ok(Redirect::to("/checkout").into_response())
    };
    let Ok(address_id) = form.address_id.parse::<Uuid>() else {
        return back("error", "Choose where to send your order, or add an address.");
    };
    let key = form.idempotency_key.trim();
    if key.parse::<Uuid>().is_err() {
        return back("error", "This form had expired. Please check your order and place it again.");
    }
    match app.order.place(&user.access_token, key, address_id).await {
        Ok(checkout) => Ok(Redirect::to(&format!("/checkout/{}", checkout.id)).into_response()),
        Err(ClientError::Problem(problem)) => match (problem.status, problem.code.as_str()) {
            (409, "cart_empty") => {
                session.flash("info", "Your cart is empty: add something to check out.");
                Ok(Redirect::to("/cart").into_response())
            }
            (404, "address_not_found") => back("error", "That address is gone. Choose another, or add one."),
            (409 | 422, _) => {
                back("error", &capitalise(problem.detail.as_deref().unwrap_or("Please check your order.")))
            }
            _ => Err(ClientError::Problem(problem).into()),
        },
        Err(err) => Err(err.into()),
    }
}
