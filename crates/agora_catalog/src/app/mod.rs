//! Catalog's use cases. Each opens a transaction, changes state through the store, writes its events to
//! the outbox in the same transaction, and commits.

mod categories;
mod holds;
mod images;
mod products;
mod returns;
mod review_views;
mod reviews;
mod search;
mod stock;
mod views;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_core::Currency;
use agora_db::{Db, Tx};
use agora_http::{Caller, Role};
use agora_media::MediaStore;

pub use categories::{CategoryInput, CategoryNode};
pub use holds::{Ending, HoldView, OverLimit};
pub use review_views::{MyReview, RatingView, ReplyView, ReviewPage, ReviewSummary, ReviewView, StarCount};
pub use search::{CategoryCount, SearchParams, SearchResults};
pub use views::{CategoryRef, ImageView, ProductView, SellerRef, StockState, StockView};

use crate::cache::ReadCache;
use crate::config::CatalogSettings;
use crate::domain::CatalogError;

/// The catalog service's state, shared by its handlers, consumers and tasks.
#[derive(Clone)]
pub struct Catalog {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<CatalogSettings>,
    pub currency: Currency,
    pub media: MediaStore,
    pub cache: ReadCache,
}

impl Catalog {
    pub fn new(db: Db, outbox: Outbox, settings: CatalogSettings, media: MediaStore) -> Result<Catalog, CatalogError> {
        let currency = Currency::parse(&settings.currency)
            .map_err(|e| CatalogError::Internal(format!("settings.catalog.currency: {e}")))?;
        let cache = ReadCache::new(std::time::Duration::from_millis(settings.cache_ttl_ms));
        Ok(Catalog { db, outbox, settings: Arc::new(settings), currency, media, cache })
    }

    async fn begin(&self) -> Result<Tx, CatalogError> {
        Ok(self.db.begin().await?)
    }
}

impl Catalog {
    /// The category tree, from the read cache while fresh.
    async fn tree(&self, conn: &mut sqlx::AnyConnection) -> Result<Arc<Vec<crate::domain::Category>>, CatalogError> {
        self.cache.tree_or(crate::store::categories::all(conn)).await
    }

    /// Views of `products` as `viewer` may see them.
    async fn views(
        &self,
        conn: &mut sqlx::AnyConnection,
        products: Vec<crate::store::products::Product>,
        viewer: Option<&Caller>,
    ) -> Result<Vec<ProductView>, CatalogError> {
        let tree = self.tree(conn).await?;
        views::build(conn, &tree, products, viewer).await
    }
}

/// Whether `caller` may see and manage what `owner` owns: the owner, or an admin.
fn owns_or_admin(caller: &Caller, owner: uuid::Uuid) -> bool {
    caller.user_id == owner || caller.has(Role::Admin)
}
