//! A seller's own products (the list with stock and status, the product form, pictures, hiding, showing
//! and deleting), their shop's orders (the list, shipping, delivering, cancelling) and the sales overview.
//! Only sellers get here; catalog and order check again that each product and order is theirs.

pub mod edit;
mod form;
pub mod images;
pub mod order;
pub mod orders;
pub mod overview;
pub mod products;

use axum::http::Uri;
use uuid::Uuid;

use super::signed_in;
use crate::Storefront;
use crate::catalog::Product;
use crate::error::PageError;
use crate::session::{Session, SignedIn};

/// The signed-in seller, or the forbidden page. A token issued before an admin approved the shop does not
/// say "seller" yet, so a fresh one is asked for before refusing.
pub async fn seller(app: &Storefront, session: &Session, uri: &Uri) -> Result<SignedIn, PageError> {
    let user = signed_in(session, uri)?;
    if user.has("seller") {
        return Ok(user);
    }
    match app.identity.refresh(&user.refresh_token).await {
        // The old refresh token is spent either way: keep the new one.
        Ok(tokens) => session.refreshed(&tokens),
        Err(err) => tracing::info!(error = %err, "could not refresh a session to check for the seller role"),
    }
    session.user().filter(|u| u.has("seller")).ok_or(PageError::Forbidden)
}

/// The seller's own product, for a form about it: another seller's is refused here already, as catalog
/// would refuse any change to it.
pub async fn own_product(app: &Storefront, user: &SignedIn, id: Uuid) -> Result<Product, PageError> {
    let product = app.catalog.product(Some(&user.access_token), id).await?;
    if product.seller.id != user.user_id {
        tracing::warn!(product.id = %id, "a seller opened another seller's product form");
        return Err(PageError::NotYourProduct);
    }
    Ok(product)
}
