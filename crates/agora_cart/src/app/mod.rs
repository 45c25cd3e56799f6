//! Cart's use cases: each finds whose cart it is, asks catalog what it needs (at most one call per answer),
//! changes the cart through the store, and answers the cart's view.

mod guests;
mod lines;
mod view;

use std::sync::Arc;

use agora_core::Currency;

pub use guests::GuestCart;
pub use lines::{ItemInput, QuantityInput};
pub use view::{CartView, LineState, LineView, PriceView, SellerView};

use crate::catalog::{CatalogClient, Snapshot};
use crate::config::CartSettings;
use crate::domain::{Cart, CartError, CartOwner};
use crate::store::CartStore;

/// The cart service's state, shared by its handlers, consumer and tasks.
#[derive(Clone)]
pub struct Carts {
    pub store: Arc<dyn CartStore>,
    pub catalog: CatalogClient,
    pub settings: Arc<CartSettings>,
    pub currency: Currency,
}

impl Carts {
    /// The owner's cart as it is now.
    pub async fn view(&self, owner: &CartOwner) -> Result<CartView, CartError> {
        let cart = self.store.get(&owner.key()).await?;
        Ok(self.answer(&cart, None).await)
    }

    /// The owner's cart as saved, without asking catalog (`catalog_available` is false).
    pub async fn saved(&self, owner: &CartOwner) -> Result<CartView, CartError> {
        let cart = self.store.get(&owner.key()).await?;
        Ok(CartView::build(&cart, None, self.currency))
    }

    /// The view of `cart`, reusing `snapshot` when it covers every line, else asking catalog once; while
    /// catalog cannot be asked, the lines as saved.
    async fn answer(&self, cart: &Cart, snapshot: Option<Snapshot>) -> CartView {
        let products = cart.product_ids();
        let snapshot = match snapshot {
            Some(snapshot) if snapshot.covers(&products) => Some(snapshot),
            _ => self.catalog.offers(&products).await.ok(),
        };
        CartView::build(cart, snapshot.as_ref(), self.currency)
    }

    /// Catalog's current offers for `products`, or the error that nothing can change without them.
    async fn offers(&self, products: &[uuid::Uuid]) -> Result<Snapshot, CartError> {
        self.catalog.offers(products).await.map_err(|_| CartError::CatalogUnavailable)
    }
}
