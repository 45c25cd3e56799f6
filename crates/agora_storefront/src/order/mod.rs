//! A typed client of order's REST API, with what the pages need: the buyer's addresses, a preview of their
//! cart as a checkout, placing a checkout under an idempotency key, following checkouts and orders,
//! cancelling; and for sellers their orders, shipping and delivering them, and their sales overview.
//! Every call carries the visitor's own token; order decides what they may see and do.

mod lifecycle;
mod overview;
mod views;

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

use agora_http::client::{ClientError, Page, ServiceClient};

pub use lifecycle::{OrderView, Reader};
pub use overview::SellerOverview;
pub use views::{Address, CheckoutStatus, CheckoutView, OrderSummary, SavedAddress};

/// Orders per page of the buyer's and the seller's lists.
pub const ORDERS_PER_PAGE: u32 = 20;

/// The states a seller's order list can be filtered by, as order names them.
pub const SELLER_STATUSES: [&str; 5] = ["paid", "shipped", "delivered", "cancelled", "refunded"];

#[derive(Clone)]
pub struct OrderClient {
    api: Option<ServiceClient>,
}

impl OrderClient {
    /// A client of order at `base`; without one every call says order is unavailable.
    pub fn new(base: Option<String>, timeout: Duration) -> OrderClient {
        OrderClient { api: base.map(|base| ServiceClient::new("order", base, timeout)) }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api.as_ref().ok_or_else(|| ClientError::Unavailable("order is not configured (urls.order)".to_owned()))
    }

    fn request(&self, method: Method, path: &str, token: &str) -> Result<RequestBuilder, ClientError> {
        Ok(self.api()?.request(method, path, Some(token)))
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        self.api()?.send(request).await
    }

    pub async fn addresses(&self, token: &str) -> Result<Vec<SavedAddress>, ClientError> {
        self.send(self.request(Method::GET, "/addresses", token)?).await
    }

    pub async fn add_address(&self, token: &str, address: &Address) -> Result<SavedAddress, ClientError> {
        self.send(self.request(Method::POST, "/addresses", token)?.json(address)).await
    }

    /// The buyer's cart priced as a checkout would be now, split by seller.
    pub async fn preview(&self, token: &str) -> Result<CheckoutView, ClientError> {
        self.send(self.request(Method::POST, "/checkouts/preview", token)?).await
    }

    /// Places a checkout of the buyer's cart; the same `key` always answers the same checkout.
    pub async fn place(&self, token: &str, key: &str, address_id: Uuid) -> Result<CheckoutView, ClientError> {
        let request = self.request(Method::POST, "/checkouts", token)?.header("idempotency-key", key);
        self.send(request.json(&json!({ "address_id": address_id }))).await
    }

    pub async fn checkout(&self, token: &str, id: Uuid) -> Result<CheckoutView, ClientError> {
        self.send(self.request(Method::GET, &format!("/checkouts/{id}"), token)?).await
    }

    /// A page of the buyer's orders, newest first.
    pub async fn orders(&self, token: &str, cursor: &str) -> Result<Page<OrderSummary>, ClientError> {
        let mut query = vec![("limit", ORDERS_PER_PAGE.to_string())];
        if !cursor.is_empty() {
            query.push(("cursor", cursor.to_owned()));
        }
        self.send(self.request(Method::GET, "/orders", token)?.query(&query)).await
    }

    pub async fn order(&self, token: &str, id: Uuid) -> Result<OrderView, ClientError> {
        self.send(self.request(Method::GET, &format!("/orders/{id}"), token)?).await
    }

    /// A page of the calling seller's paid orders, newest first; `status` empty for all of them.
    pub async fn seller_orders(
        &self,
        token: &str,
        status: &str,
        cursor: &str,
    ) -> Result<Page<OrderSummary>, ClientError> {
        let mut query = vec![("limit", ORDERS_PER_PAGE.to_string())];
        if !status.is_empty() {
            query.push(("status", status.to_owned()));
        }
        if !cursor.is_empty() {
            query.push(("cursor", cursor.to_owned()));
        }
        self.send(self.request(Method::GET, "/seller/orders", token)?.query(&query)).await
    }

    /// The seller hands the order to a carrier.
    pub async fn ship(
        &self,
        token: &str,
        id: Uuid,
        carrier: &str,
        tracking_number: &str,
    ) -> Result<OrderView, ClientError> {
        let body = json!({ "carrier": carrier, "tracking_number": tracking_number });
        self.send(self.request(Method::POST, &format!("/orders/{id}/ship"), token)?.json(&body)).await
    }

    /// The seller marks the order delivered.
    pub async fn deliver(&self, token: &str, id: Uuid) -> Result<OrderView, ClientError> {
        self.send(self.request(Method::POST, &format!("/orders/{id}/deliver"), token)?).await
    }

    /// Cancels a paid order (its buyer, its seller or an admin); order refunds it. Sellers and admins must
    /// give a reason; a buyer may.
    pub async fn cancel(&self, token: &str, id: Uuid, reason: &str) -> Result<OrderView, ClientError> {
        let reason = reason.trim();
        let body = if reason.is_empty() { json!({}) } else { json!({ "reason": reason }) };
        self.send(self.request(Method::POST, &format!("/orders/{id}/cancel"), token)?.json(&body)).await
    }

    /// The calling seller's sales of the last 30 days.
    pub async fn seller_overview(&self, token: &str) -> Result<SellerOverview, ClientError> {
        self.send(self.request(Method::GET, "/seller/overview", token)?).await
    }
}
