//! A typed client of identity's REST API, with only what the pages need. Every call carries the visitor's
//! token (never a user id of the storefront's choosing) and the visitor's address for rate limits.

use std::net::IpAddr;
use std::time::Duration;

use agora_http::client_addr::FORWARDED_FOR;
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use agora_http::client::{ClientError, Page, ServiceClient};

/// Tokens from sign-in and refresh.
#[derive(Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: Account,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub status: String,
    #[serde(default)]
    pub disabled_reason: Option<String>,
    pub created_at: String,
}

impl Account {
    pub fn is_seller(&self) -> bool {
        self.roles.iter().any(|r| r == "seller")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Seller {
    pub shop_name: String,
    pub description: String,
    pub since: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub id: Uuid,
    pub shop_name: String,
    pub description: String,
    pub status: String,
    pub decision_reason: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    #[serde(flatten)]
    pub account: Account,
    pub seller: Option<Seller>,
    pub application: Option<Application>,
}

#[derive(Clone)]
pub struct IdentityClient {
    api: ServiceClient,
}

impl IdentityClient {
    pub fn new(base: String, timeout: Duration) -> IdentityClient {
        IdentityClient { api: ServiceClient::new("identity", base, timeout) }
    }

    fn request(&self, method: Method, path: &str, token: Option<&str>, client: Option<IpAddr>) -> RequestBuilder {
        let mut request = self.api.request(method, path, token);
        if let Some(addr) = client {
            request = request.header(FORWARDED_FOR, addr.to_string());
        }
        request
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        self.api.send(request).await
    }

    pub async fn register(
        &self,
        email: &str,
        password: &str,
        name: &str,
        client: IpAddr,
    ) -> Result<Account, ClientError> {
        let body = json!({ "email": email, "password": password, "display_name": name });
        self.send(self.request(Method::POST, "/users", None, Some(client)).json(&body)).await
    }

    pub async fn sign_in(&self, email: &str, password: &str, client: IpAddr) -> Result<Tokens, ClientError> {
        let body = json!({ "email": email, "password": password });
        self.send(self.request(Method::POST, "/sessions", None, Some(client)).json(&body)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, ClientError> {
        let body = json!({ "refresh_token": refresh_token });
        self.send(self.request(Method::POST, "/sessions/refresh", None, None).json(&body)).await
    }

    pub async fn sign_out(&self, refresh_token: &str) -> Result<(), ClientError> {
        let body = json!({ "refresh_token": refresh_token });
        self.send::<Option<()>>(self.request(Method::POST, "/sessions/sign-out", None, None).json(&body)).await?;
        Ok(())
    }

    pub async fn me(&self, token: &str) -> Result<Me, ClientError> {
        self.send(self.request(Method::GET, "/me", Some(token), None)).await
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Result<(), ClientError> {
        let body = json!({ "current_password": current, "new_password": new });
        self.send::<Option<()>>(self.request(Method::PUT, "/me/password", Some(token), None).json(&body)).await?;
        Ok(())
    }

    pub async fn apply(&self, token: &str, shop_name: &str, description: &str) -> Result<Application, ClientError> {
        let body = json!({ "shop_name": shop_name, "description": description });
        self.send(self.request(Method::POST, "/seller-applications", Some(token), None).json(&body)).await
    }

    pub async fn users(&self, token: &str, query: &[(&str, &str)]) -> Result<Page<Account>, ClientError> {
        self.send(self.request(Method::GET, "/admin/users", Some(token), None).query(query)).await
    }

    pub async fn applications(&self, token: &str, query: &[(&str, &str)]) -> Result<Page<Application>, ClientError> {
        self.send(self.request(Method::GET, "/admin/seller-applications", Some(token), None).query(query)).await
    }

    /// An admin action on a user or application: `POST <path>` with an optional reason.
    pub async fn admin_action(&self, token: &str, path: &str, reason: Option<&str>) -> Result<(), ClientError> {
        let mut request = self.request(Method::POST, path, Some(token), None);
        if let Some(reason) = reason {
            request = request.json(&json!({ "reason": reason }));
        }
        self.send::<serde_json::Value>(request).await.map(|_| ())
    }
}
