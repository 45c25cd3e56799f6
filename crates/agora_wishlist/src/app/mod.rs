//! Wishlist's use cases. Each opens a transaction or a connection (or works in a consumer's transaction),
//! changes state through the store, writes its alerts to the outbox in the same transaction, and commits.

mod alerts;
mod items;
mod view;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_db::Db;

pub use items::{AlertsInput, Saved};
pub use view::{ContainsView, ItemView, ProductDetails, WishlistView};

use crate::catalog::CatalogClient;
use crate::config::WishlistSettings;

/// The wishlist service's state, shared by its handlers and its consumer.
#[derive(Clone)]
pub struct Wishlists {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<WishlistSettings>,
    catalog: CatalogClient,
}

impl Wishlists {
    pub fn new(db: Db, outbox: Outbox, settings: WishlistSettings, catalog: CatalogClient) -> Wishlists {
        Wishlists { db, outbox, settings: Arc::new(settings), catalog }
    }
}
