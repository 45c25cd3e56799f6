//! A seller's own products: list, create, edit, hide and show, delete, and their pictures. The seller is
//! whoever the token says; catalog refuses another seller's product with `not_product_owner`.

use axum::body::Bytes;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use uuid::Uuid;

use super::CatalogClient;
use super::views::Product;
use agora_http::client::{ClientError, Page};

/// What a seller sends to create or replace a product.
#[derive(Debug, Clone, Serialize)]
pub struct ProductInput {
    pub title: String,
    pub description: String,
    pub price: PriceInput,
    pub category_id: Uuid,
    pub attributes: Vec<AttributeInput>,
    pub stock: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_threshold: Option<i64>,
    /// On an update: the available units the form showed, so units sold meanwhile are not put back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_available: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriceInput {
    pub amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeInput {
    pub name: String,
    pub value: String,
}

impl CatalogClient {
    /// The seller's products, newest first, hidden ones included.
    pub async fn my_products(&self, token: &str, cursor: &str) -> Result<Page<Product>, ClientError> {
        let mut query = vec![("limit", "25")];
        if !cursor.is_empty() {
            query.push(("cursor", cursor));
        }
        self.api.send(self.api.request(Method::GET, "/me/products", Some(token)).query(&query)).await
    }

    pub async fn create_product(&self, token: &str, input: &ProductInput) -> Result<Product, ClientError> {
        self.api.send(self.api.request(Method::POST, "/products", Some(token)).json(input)).await
    }

    pub async fn update_product(&self, token: &str, id: Uuid, input: &ProductInput) -> Result<Product, ClientError> {
        let outcome =
            self.api.send(self.api.request(Method::PUT, &format!("/products/{id}"), Some(token)).json(input)).await;
        self.changed(id, outcome).await
    }

    pub async fn delete_product(&self, token: &str, id: Uuid) -> Result<(), ClientError> {
        let request = self.api.request(Method::DELETE, &format!("/products/{id}"), Some(token));
        let outcome = self.api.send::<Option<()>>(request).await.map(|_| ());
        self.changed(id, outcome).await
    }

    /// Takes the product off sale (`hidden`) or puts it back.
    pub async fn set_hidden(&self, token: &str, id: Uuid, hidden: bool) -> Result<Product, ClientError> {
        let action = if hidden { "hide" } else { "show" };
        let outcome =
            self.api.send(self.api.request(Method::POST, &format!("/products/{id}/{action}"), Some(token))).await;
        self.changed(id, outcome).await
    }

    /// Adds a picture: its bytes as they were uploaded; catalog checks what they are.
    pub async fn add_image(&self, token: &str, id: Uuid, picture: Bytes) -> Result<Product, ClientError> {
        let request = self
            .api
            .request(Method::POST, &format!("/products/{id}/images"), Some(token))
            .header(CONTENT_TYPE, "application/octet-stream")
            .timeout(self.upload_timeout)
            .body(picture);
        let outcome = self.api.send(request).await;
        self.changed(id, outcome).await
    }

    pub async fn remove_image(&self, token: &str, id: Uuid, image_id: Uuid) -> Result<Product, ClientError> {
        let path = format!("/products/{id}/images/{image_id}");
        let outcome = self.api.send(self.api.request(Method::DELETE, &path, Some(token))).await;
        self.changed(id, outcome).await
    }
}
