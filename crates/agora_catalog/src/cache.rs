//! What visitors read most — product JSON and search answers — kept serialized in memory for a moment
//! (`settings.catalog.cache_ttl_ms`). Concurrent misses of one key wait for a single load, so a popular
//! page never stampedes the database. A write through this instance forgets what it changed at once (a
//! product's entry, and every search, since any search may include it); another instance's writes show
//! after at most the time to live. Seller and admin views are never cached.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use moka::future::Cache;
use uuid::Uuid;

use crate::domain::{CatalogError, Category};

/// A product's public JSON and its seller (a seller or admin reading it gets the fuller view instead).
#[derive(Clone)]
pub struct CachedProduct {
    pub seller_id: Uuid,
    pub json: Bytes,
}

#[derive(Clone)]
pub struct ReadCache {
    inner: Option<(Cache<Uuid, CachedProduct>, Cache<String, Bytes>)>,
    /// The category tree, which every product view names its trail from.
    tree: Option<Cache<(), Arc<Vec<Category>>>>,
}

impl ReadCache {
    /// No cache at all when `ttl` is zero.
    pub fn new(ttl: Duration) -> ReadCache {
        let inner = (!ttl.is_zero()).then(|| {
            let products = Cache::builder().max_capacity(20_000).time_to_live(ttl).build();
            let searches = Cache::builder().max_capacity(2_000).time_to_live(ttl).build();
            (products, searches)
        });
        let tree = (!ttl.is_zero()).then(|| Cache::builder().max_capacity(1).time_to_live(ttl).build());
        ReadCache { inner, tree }
    }

    /// The cached category tree, or `load`'s (kept).
    pub async fn tree_or(
        &self,
        load: impl Future<Output = Result<Vec<Category>, CatalogError>>,
    ) -> Result<Arc<Vec<Category>>, CatalogError> {
        match &self.tree {
            Some(tree) => tree.try_get_with((), async { load.await.map(Arc::new) }).await.map_err(|e| shared(&e)),
            None => load.await.map(Arc::new),
        }
    }

    pub async fn product(&self, id: Uuid) -> Option<CachedProduct> {
        match &self.inner {
            Some((products, _)) => products.get(&id).await,
            None => None,
        }
    }

    /// The cached entry, or `load`'s (kept), loaded once however many ask at the same time.
    pub async fn product_or(
        &self,
        id: Uuid,
        load: impl Future<Output = Result<CachedProduct, CatalogError>>,
    ) -> Result<CachedProduct, CatalogError> {
        match &self.inner {
            Some((products, _)) => products.try_get_with(id, load).await.map_err(|e| shared(&e)),
            None => load.await,
        }
    }

    pub async fn keep_product(&self, id: Uuid, entry: CachedProduct) {
        if let Some((products, _)) = &self.inner {
            products.insert(id, entry).await;
        }
    }

    /// The cached answer of a search, or `load`'s (kept), loaded once however many ask at the same time.
    pub async fn search_or(
        &self,
        key: String,
        load: impl Future<Output = Result<Bytes, CatalogError>>,
    ) -> Result<Bytes, CatalogError> {
        match &self.inner {
            Some((_, searches)) => searches.try_get_with(key, load).await.map_err(|e| shared(&e)),
            None => load.await,
        }
    }

    /// These products changed: their entries and every search answer are stale.
    pub async fn changed(&self, ids: &[Uuid]) {
        if let Some((products, searches)) = &self.inner {
            for id in ids {
                products.invalidate(id).await;
            }
            searches.invalidate_all();
        }
    }

    /// Everything is stale (the category tree changed, a shop was suspended).
    pub fn clear(&self) {
        if let Some((products, searches)) = &self.inner {
            products.invalidate_all();
            searches.invalidate_all();
        }
        if let Some(tree) = &self.tree {
            tree.invalidate_all();
        }
    }
}

/// The error every waiter of a failed load gets: what the client should see, the rest as internal.
fn shared(err: &Arc<CatalogError>) -> CatalogError {
    match err.as_ref() {
        CatalogError::ProductNotFound => CatalogError::ProductNotFound,
        CatalogError::CategoryNotFound => CatalogError::CategoryNotFound,
        CatalogError::BadCursor => CatalogError::BadCursor,
        CatalogError::Invalid(fields) => CatalogError::Invalid(fields.clone()),
        other => CatalogError::Internal(other.to_string()),
    }
}
