//! Admins' calls: the category tree and moderation of any product. Catalog checks the admin role again.

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::CatalogClient;
use super::views::{CategoryNode, Product};
use agora_http::client::{ClientError, Page};

/// Which products the moderation list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminFilter {
    All,
    Hidden,
}

impl CatalogClient {
    pub async fn create_category(
        &self,
        token: &str,
        name: &str,
        parent_id: Option<Uuid>,
    ) -> Result<CategoryNode, ClientError> {
        let body = json!({ "name": name, "parent_id": parent_id });
        self.api.send(self.api.request(Method::POST, "/categories", Some(token)).json(&body)).await
    }

    /// Renames and/or moves a category with everything under it.
    pub async fn update_category(
        &self,
        token: &str,
        id: Uuid,
        name: &str,
        parent_id: Option<Uuid>,
    ) -> Result<CategoryNode, ClientError> {
        let body = json!({ "name": name, "parent_id": parent_id });
        self.api.send(self.api.request(Method::PUT, &format!("/categories/{id}"), Some(token)).json(&body)).await
    }

    pub async fn delete_category(&self, token: &str, id: Uuid) -> Result<(), ClientError> {
        let request = self.api.request(Method::DELETE, &format!("/categories/{id}"), Some(token));
        self.api.send::<Option<()>>(request).await.map(|_| ())
    }

    /// Products newest first, hidden ones included (or only them).
    pub async fn products_for_admin(
        &self,
        token: &str,
        filter: AdminFilter,
        cursor: &str,
    ) -> Result<Page<Product>, ClientError> {
        let mut query = vec![("limit", "25")];
        if filter == AdminFilter::Hidden {
            query.push(("hidden", "true"));
        }
        if !cursor.is_empty() {
            query.push(("cursor", cursor));
        }
        self.api.send(self.api.request(Method::GET, "/admin/products", Some(token)).query(&query)).await
    }

    /// Hides any product, telling its seller why.
    pub async fn moderate_hide(&self, token: &str, id: Uuid, reason: &str) -> Result<Product, ClientError> {
        let request = self.api.request(Method::POST, &format!("/admin/products/{id}/hide"), Some(token));
        let outcome = self.api.send(request.json(&json!({ "reason": reason }))).await;
        self.changed(id, outcome).await
    }

    pub async fn moderate_show(&self, token: &str, id: Uuid) -> Result<Product, ClientError> {
        let outcome =
            self.api.send(self.api.request(Method::POST, &format!("/admin/products/{id}/show"), Some(token))).await;
        self.changed(id, outcome).await
    }

    /// Features the product on the home page, or stops featuring it.
    pub async fn feature(&self, token: &str, id: Uuid, featured: bool) -> Result<Product, ClientError> {
        let request = self.api.request(Method::POST, &format!("/admin/products/{id}/feature"), Some(token));
        let outcome = self.api.send(request.json(&json!({ "featured": featured }))).await;
        self.changed(id, outcome).await
    }
}
