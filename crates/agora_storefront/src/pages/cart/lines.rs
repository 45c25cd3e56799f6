//! Changing the cart with plain forms: adding from a product page or a result card, setting a line's
//! quantity, removing a line, taking note of changed prices. Each answers with a redirect (post, redirect,
//! get) and a flash message saying what happened or, readably, why not.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::shopper::{self, forget_guest_cart, is_lost_guest_cart, remember};
use crate::Storefront;
use crate::cart::{CartView, Shopper};
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::auth::Empty;
use crate::pages::{capitalise, local_path, path_id};
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddForm {
    product_id: String,
    quantity: String,
    /// The page to return to.
    back: String,
}

/// Adds to the cart, minting a visitor's cart on their first add; back to the page the form was on.
pub async fn add(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(form): CsrfForm<AddForm>,
) -> Result<Response, PageError> {
    let back = if form.back.is_empty() { "/cart" } else { local_path(&form.back) }.to_owned();
    let Ok(product_id) = form.product_id.trim().parse::<Uuid>() else { return Err(PageError::BadRequest) };
    let Some(quantity) = quantity(&form.quantity) else {
        session.flash("error", "Enter how many you want, as a number from 1.");
        return Ok(Redirect::to(&back).into_response());
    };
    let outcome = match shopper::shopper_or_new(&app, &session).await {
        Ok(shopper) => match app.cart.add(&shopper, product_id, quantity).await {
            // The visitor's cart expired: start a new one and add to that.
            Err(err) if is_lost_guest_cart(&shopper, &err) => match shopper::new_guest_cart(&app, &session).await {
                Ok(fresh) => app.cart.add(&fresh, product_id, quantity).await,
                Err(err) => Err(err),
            },
            other => other,
        },
        Err(err) => Err(err),
    };
    match outcome {
        Ok(cart) => {
            remember(&session, &cart);
            let title = cart.items.iter().find(|l| l.product_id == product_id).map(|l| l.title.as_str());
            let what = title.map_or_else(|| "The product".to_owned(), |t| format!("“{t}”"));
            session.flash("success", format!("{what} is in your cart."));
        }
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QuantityForm {
    quantity: String,
}

/// Sets a line's quantity (0 removes the line).
pub async fn update(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<QuantityForm>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    let typed = form.quantity.trim();
    let quantity = if typed == "0" { Some(0) } else { quantity(typed).filter(|_| !typed.is_empty()) };
    let Some(quantity) = quantity else {
        session.flash("error", "Enter a quantity as a number (0 removes the product).");
        return Ok(Redirect::to("/cart").into_response());
    };
    change(&session, "The quantity is updated.", |shopper| {
        let app = app.clone();
        async move { app.cart.set(&shopper, id, quantity).await }
    })
    .await
}

pub async fn remove(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = path_id(&id)?;
    change(&session, "The product is out of your cart.", |shopper| {
        let app = app.clone();
        async move { app.cart.remove(&shopper, id).await }
    })
    .await
}

/// Takes note of changed prices: the flags go away.
pub async fn acknowledge(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    change(&session, "Noted: your cart shows the new prices.", |shopper| {
        let app = app.clone();
        async move { app.cart.acknowledge(&shopper).await }
    })
    .await
}

/// Makes a change to the session's cart, then back to the cart with what happened.
async fn change<F, Fut>(session: &Session, done: &str, call: F) -> Result<Response, PageError>
where
    F: FnOnce(Shopper) -> Fut,
    Fut: Future<Output = Result<CartView, ClientError>>,
{
    let to_cart = Redirect::to("/cart").into_response();
    let Some(shopper) = shopper::shopper(session) else { return Ok(to_cart) };
    match call(shopper.clone()).await {
        Ok(cart) => {
            remember(session, &cart);
            session.flash("success", done);
        }
        Err(err) if is_lost_guest_cart(&shopper, &err) => {
            forget_guest_cart(session);
            session.flash("info", "Your cart had expired, so it is empty now.");
        }
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(to_cart)
}

/// A quantity as typed: a whole number from 1.
fn quantity(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return Some(1);
    }
    text.parse::<i64>().ok().filter(|n| *n >= 1)
}

/// What to tell the shopper when cart refuses a change; a session cart no longer accepts ends the session.
fn refusal(err: ClientError) -> Result<String, PageError> {
    let ClientError::Problem(problem) = err else {
        tracing::warn!(error = %err, "cart could not be changed");
        return Ok("Your cart cannot be changed right now. Please try again in a minute.".to_owned());
    };
    let detail = || capitalise(problem.detail.as_deref().unwrap_or("That could not be done."));
    Ok(match (problem.status, problem.code.as_str()) {
        (401, _) => return Err(PageError::SessionEnded),
        (404, "product_not_found") => "This product is not for sale any more.".to_owned(),
        (409, "own_product") => "This is your own product: sellers cannot buy from their own shop.".to_owned(),
        (409, "insufficient_stock") => detail(),
        (409, "cart_full") => detail(),
        (422, _) => problem.errors.first().map(|e| capitalise(&e.message)).unwrap_or_else(detail),
        _ => detail(),
    })
}

#[cfg(test)]
mod tests {
    use super::quantity;

    #[test]
    fn quantities_are_whole_numbers_from_one() {
        assert_eq!(quantity(" 3 "), Some(3));
        assert_eq!(quantity(""), Some(1));
        for bad in ["0", "-1", "two", "1.5"] {
            assert_eq!(quantity(bad), None, "{bad}");
        }
    }
}
