//! Whose cart a session holds: the signed-in buyer's, or a visitor's behind the token cart minted on their
//! first "Add to cart" (kept in the encrypted session cookie). At sign-in the visitor's cart joins the
//! buyer's; if cart cannot do that right then, the token stays and the next cart or checkout page tries again.

use agora_http::client::ClientError;

use crate::Storefront;
use crate::cart::{CartView, Shopper};
use crate::session::Session;

/// The session's cart owner, if it has a cart at all (a visitor who never added anything has none).
pub fn shopper(session: &Session) -> Option<Shopper> {
    match session.user() {
        Some(user) => Some(Shopper::Buyer(user.access_token)),
        None => session.cart_token().map(Shopper::Guest),
    }
}

/// The session's cart owner, minting a visitor's cart if they have none yet.
pub async fn shopper_or_new(app: &Storefront, session: &Session) -> Result<Shopper, ClientError> {
    if let Some(shopper) = shopper(session) {
        return Ok(shopper);
    }
    new_guest_cart(app, session).await
}

/// Mints a visitor's cart and keeps its token in the session.
pub async fn new_guest_cart(app: &Storefront, session: &Session) -> Result<Shopper, ClientError> {
    let token = app.cart.new_guest_cart().await?;
    session.set_cart_token(Some(token.clone()));
    session.set_cart_count(0);
    Ok(Shopper::Guest(token))
}

/// Whether cart says the visitor's token names no cart (it expired, or was merged elsewhere).
pub fn is_lost_guest_cart(shopper: &Shopper, err: &ClientError) -> bool {
    shopper.is_guest() && matches!(err, ClientError::Problem(p) if p.status == 404 && p.code == "cart_not_found")
}

/// Forgets a visitor's cart that cart no longer knows.
pub fn forget_guest_cart(session: &Session) {
    session.set_cart_token(None);
    session.set_cart_count(0);
}

/// Remembers the cart's item count for the header.
pub fn remember(session: &Session, cart: &CartView) {
    session.set_cart_count(cart.item_count);
}

/// After signing in: moves the visitor's cart into the buyer's and drops its token, or, with no visitor's
/// cart, learns the buyer's item count. Never fails the sign-in: a cart that cannot be reached is logged, and
/// the token is kept to try again.
pub async fn adopt_guest_cart(app: &Storefront, session: &Session) {
    let Some(user) = session.user() else { return };
    let Some(token) = session.cart_token() else {
        match app.cart.view(&Shopper::Buyer(user.access_token)).await {
            Ok(cart) => remember(session, &cart),
            Err(err) => tracing::info!(error = %err, "the buyer's cart count is not known yet"),
        }
        return;
    };
    match app.cart.merge(&user.access_token, &token).await {
        Ok(cart) => {
            session.set_cart_token(None);
            remember(session, &cart);
            tracing::info!(user.id = %user.user_id, "the visitor's cart joined the buyer's");
        }
        // Cart refuses the token itself (not one it minted): nothing to merge, ever.
        Err(ClientError::Problem(problem)) if problem.status == 404 || problem.status == 422 => {
            tracing::info!(code = %problem.code, "the visitor's cart could not be merged; it is dropped");
            session.set_cart_token(None);
        }
        Err(err) => tracing::warn!(error = %err, "the visitor's cart could not be merged yet; will try again"),
    }
}
