//! Wishlist's metrics (`agora_wishlist_*`), named in one place. Catalog failures are counted where they
//! happen (`agora_wishlist_catalog_failures_total`).

/// A product newly saved.
pub fn item_saved() {
    metrics::counter!("agora_wishlist_items_saved_total").increment(1);
}

/// A product taken off a wishlist.
pub fn item_removed() {
    metrics::counter!("agora_wishlist_items_removed_total").increment(1);
}

/// A save refused because the wishlist is full.
pub fn wishlist_full() {
    metrics::counter!("agora_wishlist_full_total").increment(1);
}

/// Alerts written to the outbox, by kind (`price_dropped`, `back_in_stock`).
pub fn alerts(kind: &'static str, count: usize) {
    metrics::counter!("agora_wishlist_alerts_total", "kind" => kind).increment(count as u64);
}

/// A wishlist shown without catalog's current details.
pub fn shown_degraded() {
    metrics::counter!("agora_wishlist_degraded_views_total").increment(1);
}
