//! What visitors read most — product JSON and search answers — kept serialized in memory for a moment
//! (`settings.catalog.cache_ttl_ms`). A write through this instance forgets what it changed at once (a
//! product's entry, and every search, since any search may include it); another instance's writes show
//! after at most the time to live. Seller-only views are never cached.

use std::time::Duration;

use bytes::Bytes;
use moka::sync::Cache;
use uuid::Uuid;

/// A product's public JSON and its seller (a seller or admin reading it gets the fuller view instead).
#[derive(Clone)]
pub struct CachedProduct {
    pub seller_id: Uuid,
    pub json: Bytes,
}

#[derive(Clone)]
pub struct ReadCache {
    inner: Option<(Cache<Uuid, CachedProduct>, Cache<String, Bytes>)>,
}

impl ReadCache {
    /// No cache at all when `ttl` is zero.
    pub fn new(ttl: Duration) -> ReadCache {
        let inner = (!ttl.is_zero()).then(|| {
            let products = Cache::builder().max_capacity(20_000).time_to_live(ttl).build();
            let searches = Cache::builder().max_capacity(2_000).time_to_live(ttl).build();
            (products, searches)
        });
        ReadCache { inner }
    }

    pub fn product(&self, id: Uuid) -> Option<CachedProduct> {
        self.inner.as_ref().and_then(|(products, _)| products.get(&id))
    }

    pub fn keep_product(&self, id: Uuid, entry: CachedProduct) {
        if let Some((products, _)) = &self.inner {
            products.insert(id, entry);
        }
    }

    pub fn search(&self, key: &str) -> Option<Bytes> {
        self.inner.as_ref().and_then(|(_, searches)| searches.get(key))
    }

    pub fn keep_search(&self, key: String, json: Bytes) {
        if let Some((_, searches)) = &self.inner {
            searches.insert(key, json);
        }
    }

    /// These products changed: their entries and every search answer are stale.
    pub fn changed(&self, ids: &[Uuid]) {
        if let Some((products, searches)) = &self.inner {
            for id in ids {
                products.invalidate(id);
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
    }
}
