//! The services this binary knows, and choosing the ones a process runs.

use std::sync::Arc;

use agora_http::Service;

/// Every service compiled into the binary, in start order. Each service issue adds its crate here.
pub fn all() -> Vec<Arc<dyn Service>> {
    vec![
        Arc::new(agora_identity::IdentityService),
        Arc::new(agora_catalog::CatalogService),
        Arc::new(agora_cart::CartService),
        Arc::new(agora_order::OrderService),
        Arc::new(agora_payment::PaymentService),
        Arc::new(agora_wishlist::WishlistService),
        Arc::new(agora_chat::ChatService),
        Arc::new(agora_notify::NotifyService),
        Arc::new(agora_storefront::StorefrontService),
    ]
}

/// The selection named a service the binary does not have.
#[derive(Debug, thiserror::Error)]
#[error("configuration key services: unknown service {name:?} (known: {known})")]
pub struct UnknownService {
    pub name: String,
    pub known: String,
}

/// Picks the services named by `selection` (`all` or a comma-separated list) from `available`.
pub fn select(available: &[Arc<dyn Service>], selection: &str) -> Result<Vec<Arc<dyn Service>>, UnknownService> {
    let selection = selection.trim();
    if selection.eq_ignore_ascii_case("all") {
        return Ok(available.to_vec());
    }
    let known = || {
        let names: Vec<&str> = available.iter().map(|s| s.name()).collect();
        if names.is_empty() { "all".to_owned() } else { format!("all, {}", names.join(", ")) }
    };
    let mut chosen: Vec<Arc<dyn Service>> = Vec::new();
    for name in selection.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let service = available
            .iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| UnknownService { name: name.to_owned(), known: known() })?;
        if !chosen.iter().any(|s| s.name() == name) {
            chosen.push(service.clone());
        }
    }
    Ok(chosen)
}
