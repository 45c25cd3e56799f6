//! A typed client of cart's REST API: the signed-in buyer's cart by their token, a visitor's cart by the
//! opaque token cart minted for it (sent as the `X-Cart-Token` header, never in a URL), and merging the
//! visitor's cart into the buyer's on sign-in. Every change answers the whole cart as cart prices it now.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use agora_http::client::{ClientError, ServiceClient};

use crate::price::Amount;

/// The header a visitor's cart token travels in.
const CART_TOKEN: &str = "x-cart-token";

/// Whose cart a call is about.
#[derive(Clone)]
pub enum Shopper {
    /// A signed-in buyer: their access token.
    Buyer(String),
    /// A visitor: the cart token kept in their session.
    Guest(String),
}

impl Shopper {
    pub fn is_guest(&self) -> bool {
        matches!(self, Shopper::Guest(_))
    }
}

/// The cart as cart shows it: lines checked against catalog now, and a subtotal of what can be bought.
#[derive(Debug, Clone, Deserialize)]
pub struct CartView {
    pub items: Vec<CartLine>,
    pub subtotal: Amount,
    /// Units across all lines.
    pub item_count: u32,
    /// `false`: catalog could not be asked; lines show what was saved when they were added.
    #[serde(default = "yes")]
    pub catalog_available: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct CartLine {
    pub product_id: Uuid,
    pub quantity: u32,
    pub title: String,
    pub seller: Shop,
    pub thumbnail_url: Option<String>,
    pub unit_price: Amount,
    /// The price when the line was added (or last acknowledged).
    pub added_price: Amount,
    #[serde(default)]
    pub price_changed: bool,
    /// Units for sale now; absent while catalog cannot be asked.
    pub available: Option<i64>,
    pub state: LineState,
    pub line_total: Amount,
}

/// A seller as the buying services name it.
#[derive(Debug, Clone, Deserialize)]
pub struct Shop {
    /// The seller's user id (order's answers carry it; a cart line may not).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Empty until the service has heard of the seller's approval.
    #[serde(default)]
    pub shop_name: String,
}

impl Shop {
    /// The shop's name, or a stand-in while it is not known yet.
    pub fn name(&self) -> &str {
        if self.shop_name.is_empty() { "An Agora shop" } else { &self.shop_name }
    }
}

/// Whether a line can be bought as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    Ok,
    InsufficientStock,
    SoldOut,
    Unavailable,
    #[serde(other)]
    Other,
}

impl CartLine {
    /// What stops the line being bought as it is, for the buyer; empty when nothing does.
    pub fn problem(&self) -> String {
        match self.state {
            LineState::Ok => String::new(),
            LineState::InsufficientStock => match self.available {
                Some(1) => "Only 1 left: lower the quantity to buy it.".to_owned(),
                Some(n) => format!("Only {n} left: lower the quantity to buy them."),
                None => "Not enough in stock.".to_owned(),
            },
            LineState::SoldOut => "Sold out.".to_owned(),
            LineState::Unavailable | LineState::Other => "No longer available.".to_owned(),
        }
    }

    /// The most the quantity field offers: what is for sale, at least what the line holds.
    pub fn max_quantity(&self) -> i64 {
        self.available.unwrap_or(99).max(i64::from(self.quantity)).clamp(1, 99)
    }
}

#[derive(Deserialize)]
struct GuestCart {
    token: String,
}

#[derive(Clone)]
pub struct CartClient {
    api: Option<ServiceClient>,
}

impl CartClient {
    /// A client of cart at `base`; without one every call says cart is unavailable.
    pub fn new(base: Option<String>, timeout: Duration) -> CartClient {
        CartClient { api: base.map(|base| ServiceClient::new("cart", base, timeout)) }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api.as_ref().ok_or_else(|| ClientError::Unavailable("cart is not configured (urls.cart)".to_owned()))
    }

    fn request(&self, method: Method, path: &str, shopper: &Shopper) -> Result<RequestBuilder, ClientError> {
        let api = self.api()?;
        Ok(match shopper {
            Shopper::Buyer(token) => api.request(method, path, Some(token)),
            Shopper::Guest(token) => api.request(method, path, None).header(CART_TOKEN, token),
        })
    }

    async fn send(&self, request: RequestBuilder) -> Result<CartView, ClientError> {
        self.api()?.send(request).await
    }

    /// Mints a visitor's cart; answers its token.
    pub async fn new_guest_cart(&self) -> Result<String, ClientError> {
        let api = self.api()?;
        let cart: GuestCart = api.send(api.request(Method::POST, "/guest-carts", None)).await?;
        Ok(cart.token)
    }

    pub async fn view(&self, shopper: &Shopper) -> Result<CartView, ClientError> {
        self.send(self.request(Method::GET, "/cart", shopper)?).await
    }

    /// Adds `quantity` units of a product (to its line, if the cart has one).
    pub async fn add(&self, shopper: &Shopper, product_id: Uuid, quantity: i64) -> Result<CartView, ClientError> {
        let body = json!({ "product_id": product_id, "quantity": quantity });
        self.send(self.request(Method::POST, "/cart/items", shopper)?.json(&body)).await
    }

    /// Sets a line's quantity (0 removes it).
    pub async fn set(&self, shopper: &Shopper, product_id: Uuid, quantity: i64) -> Result<CartView, ClientError> {
        let path = format!("/cart/items/{product_id}");
        self.send(self.request(Method::PUT, &path, shopper)?.json(&json!({ "quantity": quantity }))).await
    }

    pub async fn remove(&self, shopper: &Shopper, product_id: Uuid) -> Result<CartView, ClientError> {
        self.send(self.request(Method::DELETE, &format!("/cart/items/{product_id}"), shopper)?).await
    }

    /// Takes note of every changed price: the lines' prices when added become the current ones.
    pub async fn acknowledge(&self, shopper: &Shopper) -> Result<CartView, ClientError> {
        self.send(self.request(Method::POST, "/cart/acknowledge", shopper)?).await
    }

    /// Moves the visitor's cart (`guest_token`) into the buyer's; merging twice changes nothing.
    pub async fn merge(&self, access_token: &str, guest_token: &str) -> Result<CartView, ClientError> {
        let api = self.api()?;
        self.send(api.request(Method::POST, "/cart/merge", Some(access_token)).header(CART_TOKEN, guest_token)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(state: &str, quantity: u32, available: Option<i64>) -> CartLine {
        let amount = json!({ "amount_minor": 250, "currency": "EUR", "formatted": "2.50 EUR" });
        serde_json::from_value(json!({
            "product_id": Uuid::nil(), "quantity": quantity, "title": "Tea", "thumbnail_url": null,
            "seller": { "id": Uuid::nil(), "shop_name": "" }, "unit_price": amount, "added_price": amount,
            "price_changed": false, "available": available, "state": state, "line_total": amount,
        }))
        .unwrap()
    }

    #[test]
    fn a_line_says_what_stops_it_being_bought() {
        assert_eq!(line("ok", 1, Some(5)).problem(), "");
        assert_eq!(line("insufficient_stock", 3, Some(2)).problem(), "Only 2 left: lower the quantity to buy them.");
        assert_eq!(line("sold_out", 1, Some(0)).problem(), "Sold out.");
        assert_eq!(line("unavailable", 1, Some(0)).problem(), "No longer available.");
        assert_eq!(line("something_new", 1, None).problem(), "No longer available.");
        assert_eq!(line("sold_out", 1, Some(0)).seller.name(), "An Agora shop");
    }

    #[test]
    fn the_quantity_field_never_offers_less_than_the_line_holds() {
        assert_eq!(line("ok", 1, Some(5)).max_quantity(), 5);
        assert_eq!(line("insufficient_stock", 3, Some(2)).max_quantity(), 3);
        assert_eq!(line("ok", 1, None).max_quantity(), 99);
    }
}
