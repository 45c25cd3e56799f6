//! The cart service, as a checkout reads it: the buyer's lines, fetched with the buyer's own token.

use std::time::Duration;

use agora_http::client::{ClientError, ServiceClient};
use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::OrderError;

/// A cart line: what the buyer wants, and the price their cart showed them.
#[derive(Debug, Clone, Deserialize)]
pub struct CartLine {
    pub product_id: Uuid,
    pub quantity: i64,
    #[serde(default)]
    pub added_price: Option<SeenPrice>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct SeenPrice {
    pub amount_minor: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub items: Vec<CartLine>,
}

#[derive(Clone)]
pub struct CartClient(ServiceClient);

impl CartClient {
    pub fn new(base: String, timeout: Duration) -> CartClient {
        CartClient(ServiceClient::new("cart", base, timeout))
    }

    /// The buyer's cart lines as saved (`token` is their access token). Prices come from order's own read
    /// model, so cart is not asked to price them.
    pub async fn cart(&self, token: &str) -> Result<Cart, OrderError> {
        let request = self.0.request(Method::GET, "/cart?priced=false", Some(token));
        self.0.send(request).await.map_err(|err| match err {
            ClientError::Unavailable(reason) => OrderError::CartUnavailable(reason),
            ClientError::Problem(problem) => OrderError::CartUnavailable(format!("cart answered {}", problem.code)),
        })
    }
}
