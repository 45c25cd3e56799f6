//! Adding a shipping address from the checkout page: saved at order, then chosen; or the checkout page
//! again with order's message next to each field it did not accept and what was typed.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::page;
use crate::Storefront;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::order::Address;
use crate::pages::{rejected, signed_in};
use crate::session::Session;

/// The fields of the new-address form, as the page names them.
pub const FIELDS: [&str; 8] = ["full_name", "line1", "line2", "city", "postal_code", "region", "country", "phone"];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddressForm {
    full_name: String,
    line1: String,
    line2: String,
    city: String,
    postal_code: String,
    region: String,
    country: String,
    phone: String,
}

impl AddressForm {
    fn address(self) -> Address {
        Address {
            full_name: self.full_name,
            line1: self.line1,
            line2: self.line2,
            city: self.city,
            postal_code: self.postal_code,
            region: self.region,
            country: self.country,
            phone: self.phone,
        }
    }
}

pub async fn add_address(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(form): CsrfForm<AddressForm>,
) -> Result<Response, PageError> {
    // Signed out meanwhile: sign in, then back to the checkout page (this address only takes posts).
    let checkout = Uri::from_static("/checkout");
    let user = signed_in(&session, &checkout)?;
    let address = form.address();
    match app.order.add_address(&user.access_token, &address).await {
        Ok(saved) => {
            session.flash("success", "The address is saved and chosen for this order.");
            Ok(Redirect::to(&format!("/checkout?address={}", saved.id)).into_response())
        }
        Err(err) => {
            let mut rejected = rejected(err)?;
            let unknown = rejected.fields.remove_unknown(&FIELDS);
            if let Some(first) = unknown.into_iter().next() {
                rejected.message = first;
            }
            page(&app, &session, &checkout, None, StatusCode::UNPROCESSABLE_ENTITY, address, Some(rejected)).await
        }
    }
}
