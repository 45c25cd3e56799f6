//! A typed client of wishlist's REST API, always with the signed-in buyer's token: a page of what they
//! saved (with current details from catalog, or only what was saved while catalog cannot be asked), saving
//! and removing a product, and which of a page's products are saved.

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde::de::IgnoredAny;
use uuid::Uuid;

use agora_http::client::{ClientError, ServiceClient};

use crate::price::Amount;

/// Products a results page asks about at most in one `contains` call (wishlist's limit).
pub const CONTAINS_LIMIT: usize = 100;

/// A page of the buyer's wishlist, newest first.
#[derive(Debug, Clone, Deserialize)]
pub struct WishlistPage {
    pub items: Vec<SavedItem>,
    /// `false`: catalog could not be asked; items show only what was saved.
    #[serde(default = "yes")]
    pub catalog_available: bool,
    pub next_cursor: Option<String>,
}

fn yes() -> bool {
    true
}

/// A saved product: what was saved, and the product as catalog shows it now.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedItem {
    pub product_id: Uuid,
    pub saved_at: String,
    pub price_when_saved: Amount,
    /// None while catalog cannot be asked, or when catalog no longer shows the product.
    pub product: Option<SavedProduct>,
    #[serde(default)]
    pub price_dropped: bool,
    /// It can be bought now.
    #[serde(default)]
    pub available: bool,
}

/// The product's current details.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedProduct {
    pub title: String,
    pub price: Amount,
    /// Units for sale.
    #[serde(default)]
    pub available: i64,
    /// "active", "hidden", "deleted"…
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub thumbnail: Option<String>,
}

impl SavedItem {
    /// The product's title, or a stand-in while it is not known.
    pub fn title(&self) -> &str {
        self.product.as_ref().map_or("A saved product", |p| p.title.as_str())
    }

    pub fn thumbnail(&self) -> Option<&str> {
        self.product.as_ref().and_then(|p| p.thumbnail.as_deref()).filter(|url| !url.is_empty())
    }

    /// The price to show: the current one, or the one when saved while catalog cannot be asked.
    pub fn price(&self) -> &Amount {
        self.product.as_ref().map_or(&self.price_when_saved, |p| &p.price)
    }

    /// The price when saved differs from today's (only said when today's is known).
    pub fn price_changed(&self) -> bool {
        self.product.as_ref().is_some_and(|p| p.price.amount_minor != self.price_when_saved.amount_minor)
    }

    /// What stops it being bought now, for the buyer; empty when nothing does.
    pub fn availability(&self) -> &'static str {
        match &self.product {
            _ if self.available => "",
            None => "No longer available.",
            Some(product) if product.status != "active" => "No longer available.",
            Some(product) if product.available <= 0 => "Sold out.",
            Some(_) => "Not available right now.",
        }
    }
}

/// What saving answers, as far as the storefront reads it.
#[derive(Debug, Deserialize)]
struct SavedAnswer {
    product: Option<Titled>,
}

#[derive(Debug, Deserialize)]
struct Titled {
    title: String,
}

/// Which of the asked products are saved.
#[derive(Debug, Deserialize)]
struct Contains {
    saved: Vec<Uuid>,
}

#[derive(Clone)]
pub struct WishlistClient {
    api: Option<ServiceClient>,
}

impl WishlistClient {
    /// A client of wishlist at `base`; without one every call says wishlist is unavailable.
    pub fn new(base: Option<String>, timeout: Duration) -> WishlistClient {
        WishlistClient { api: base.map(|base| ServiceClient::new("wishlist", base, timeout)) }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api
            .as_ref()
            .ok_or_else(|| ClientError::Unavailable("wishlist is not configured (urls.wishlist)".to_owned()))
    }

    /// The page of saved products from `cursor` (empty for the newest).
    pub async fn list(&self, token: &str, cursor: &str) -> Result<WishlistPage, ClientError> {
        let api = self.api()?;
        let mut query: Vec<(&str, &str)> = Vec::new();
        if !cursor.is_empty() {
            query.push(("cursor", cursor));
        }
        api.send(api.request(Method::GET, "", Some(token)).query(&query)).await
    }

    /// Saves a product; saving it again changes nothing (wishlist answers 200 instead of 201). Answers the
    /// product's title, when wishlist knows it.
    pub async fn save(&self, token: &str, product_id: Uuid) -> Result<Option<String>, ClientError> {
        let api = self.api()?;
        let saved: SavedAnswer =
            api.send(api.request(Method::PUT, &format!("/items/{product_id}"), Some(token))).await?;
        Ok(saved.product.map(|p| p.title))
    }

    pub async fn remove(&self, token: &str, product_id: Uuid) -> Result<(), ClientError> {
        let api = self.api()?;
        api.send::<IgnoredAny>(api.request(Method::DELETE, &format!("/items/{product_id}"), Some(token))).await?;
        Ok(())
    }

    /// Which of `ids` the buyer saved (asked in one call; at most [`CONTAINS_LIMIT`] are asked about).
    pub async fn contains(&self, token: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, ClientError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let api = self.api()?;
        let ids: Vec<String> = ids.iter().take(CONTAINS_LIMIT).map(Uuid::to_string).collect();
        let request = api.request(Method::GET, "/contains", Some(token)).query(&[("ids", ids.join(","))]);
        let answer: Contains = api.send(request).await?;
        Ok(answer.saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(product: serde_json::Value, available: bool) -> SavedItem {
        let amount =
            |minor: i64| json!({ "amount_minor": minor, "currency": "EUR", "formatted": format!("{minor} ct") });
        serde_json::from_value(json!({
            "product_id": Uuid::nil(), "saved_at": "2026-12-01T10:00:00Z", "price_when_saved": amount(900),
            "notify_price_drop": true, "notify_back_in_stock": false, "product": product,
            "price_dropped": true, "available": available,
        }))
        .unwrap()
    }

    fn product(price: i64, available: i64, status: &str) -> serde_json::Value {
        json!({ "title": "Sencha", "price": { "amount_minor": price, "currency": "EUR", "formatted": "x" },
                "available": available, "status": status, "thumbnail": null, "seller_id": Uuid::nil() })
    }

    #[test]
    fn a_saved_item_says_what_stops_it_being_bought() {
        assert_eq!(item(product(800, 3, "active"), true).availability(), "");
        assert_eq!(item(product(800, 0, "active"), false).availability(), "Sold out.");
        assert_eq!(item(product(800, 3, "hidden"), false).availability(), "No longer available.");
        assert_eq!(item(serde_json::Value::Null, false).availability(), "No longer available.");
    }

    #[test]
    fn without_current_details_the_saved_price_stands_in() {
        let saved = item(serde_json::Value::Null, false);
        assert_eq!((saved.title(), saved.price().amount_minor, saved.price_changed()), ("A saved product", 900, false));
        let cheaper = item(product(800, 3, "active"), true);
        assert_eq!((cheaper.title(), cheaper.price().amount_minor, cheaper.price_changed()), ("Sencha", 800, true));
    }
}
