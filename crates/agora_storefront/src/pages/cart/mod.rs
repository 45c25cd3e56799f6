//! The cart page, `/cart`, and the forms that change the cart. The page shows each line with its picture,
//! shop, price, quantity form and remove button, flags what changed since it was added (price, stock,
//! availability), and the subtotal; "Check out" leads a signed-out visitor through sign-in first.

mod lines;
pub mod shopper;

pub use lines::{acknowledge, add, remove, update};

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use self::shopper::{forget_guest_cart, is_lost_guest_cart, remember};
use crate::Storefront;
use crate::cart::CartView;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::render_with;
use crate::session::Session;
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "cart.html")]
struct CartPage {
    chrome: Chrome,
    /// None: no cart yet, or it could not be shown.
    cart: Option<CartView>,
    /// Why the cart cannot be shown.
    notice: String,
    signed_in: bool,
}

impl CartPage {
    fn any_price_changed(&self) -> bool {
        self.cart.as_ref().is_some_and(|c| c.items.iter().any(|l| l.price_changed))
    }
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    let signed_in = session.user().is_some();
    if signed_in && session.cart_token().is_some() {
        shopper::adopt_guest_cart(&app, &session).await;
    }
    let (mut status, mut notice) = (StatusCode::OK, String::new());
    let cart = match shopper::shopper(&session) {
        None => None,
        Some(shopper) => match app.cart.view(&shopper).await {
            Ok(cart) => {
                remember(&session, &cart);
                Some(cart)
            }
            Err(err) if is_lost_guest_cart(&shopper, &err) => {
                forget_guest_cart(&session);
                None
            }
            Err(ClientError::Problem(problem)) if problem.status == 401 => return Err(PageError::SessionEnded),
            Err(err) => {
                tracing::warn!(error = %err, "the cart page is shown without the cart");
                status = StatusCode::SERVICE_UNAVAILABLE;
                notice =
                    "Your cart cannot be shown right now. Nothing is lost: please try again in a minute.".to_owned();
                None
            }
        },
    };
    let page = CartPage { chrome: Chrome::new(&session, "Your cart", "/cart"), cart, notice, signed_in };
    Ok(render_with(status, &page))
}
