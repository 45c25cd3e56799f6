//! A typed client of chat's REST API, always with the signed-in user's token: opening a conversation about
//! a product, the user's conversations, one conversation's history a page at a time going backwards,
//! posting, marking read, and the unread total for the header (asked with a short timeout of its own).

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use agora_http::client::{ClientError, Page, ServiceClient};

/// A conversation as its participant sees it.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub id: Uuid,
    pub product: ProductRef,
    /// The other participant.
    pub counterpart: Person,
    /// "buyer" or "seller": the caller's side.
    #[serde(default)]
    pub role: String,
    /// Messages from the other side the caller has not read.
    #[serde(default)]
    pub unread: i64,
    /// The last seq the other side has read (for "Seen").
    #[serde(default)]
    pub their_read_seq: i64,
    pub last_message: Option<Message>,
    #[serde(default)]
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductRef {
    pub id: Uuid,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
    /// Stored verbatim: escaped when shown.
    pub body: String,
    pub sent_at: String,
}

/// A page of history, ascending by seq, and where the page before it ends.
#[derive(Debug, Clone, Deserialize)]
pub struct History {
    pub items: Vec<Message>,
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct UnreadTotal {
    pub unread: i64,
}

#[derive(Clone)]
pub struct ChatClient {
    api: Option<ServiceClient>,
    /// The same API with the header's short timeout.
    header: Option<ServiceClient>,
}

impl ChatClient {
    /// A client of chat at `base`; without one every call says chat is unavailable.
    pub fn new(base: Option<String>, timeout: Duration, header_timeout: Duration) -> ChatClient {
        ChatClient {
            api: base.clone().map(|base| ServiceClient::new("chat", base, timeout)),
            header: base.map(|base| ServiceClient::new("chat", base, header_timeout)),
        }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api.as_ref().ok_or_else(|| ClientError::Unavailable("chat is not configured (urls.chat)".to_owned()))
    }

    /// The caller's conversation with the product's seller, opened if it is new.
    pub async fn open(&self, token: &str, product_id: Uuid) -> Result<Conversation, ClientError> {
        let api = self.api()?;
        let request =
            api.request(Method::POST, "/conversations", Some(token)).json(&json!({ "product_id": product_id }));
        api.send(request).await
    }

    /// The caller's conversations from `cursor` (empty for the most recent).
    pub async fn conversations(&self, token: &str, cursor: &str) -> Result<Page<Conversation>, ClientError> {
        let api = self.api()?;
        let mut query: Vec<(&str, &str)> = Vec::new();
        if !cursor.is_empty() {
            query.push(("cursor", cursor));
        }
        api.send(api.request(Method::GET, "/conversations", Some(token)).query(&query)).await
    }

    pub async fn conversation(&self, token: &str, id: Uuid) -> Result<Conversation, ClientError> {
        let api = self.api()?;
        api.send(api.request(Method::GET, &format!("/conversations/{id}"), Some(token))).await
    }

    /// The newest page of messages, or the page before `before`.
    pub async fn history(&self, token: &str, id: Uuid, before: Option<i64>) -> Result<History, ClientError> {
        let api = self.api()?;
        let query: Vec<(&str, String)> = before.map(|seq| ("before", seq.to_string())).into_iter().collect();
        let request = api.request(Method::GET, &format!("/conversations/{id}/messages"), Some(token)).query(&query);
        api.send(request).await
    }

    pub async fn post(&self, token: &str, id: Uuid, body: &str) -> Result<Message, ClientError> {
        let api = self.api()?;
        let request = api
            .request(Method::POST, &format!("/conversations/{id}/messages"), Some(token))
            .json(&json!({ "body": body }));
        api.send(request).await
    }

    /// Marks the conversation read up to `up_to_seq`.
    pub async fn read(&self, token: &str, id: Uuid, up_to_seq: i64) -> Result<Conversation, ClientError> {
        let api = self.api()?;
        let request = api
            .request(Method::POST, &format!("/conversations/{id}/read"), Some(token))
            .json(&json!({ "up_to_seq": up_to_seq }));
        api.send(request).await
    }

    /// The caller's unread messages over all conversations, for the header: `None` unless chat answers
    /// within the header's timeout.
    pub async fn unread(&self, token: &str) -> Option<i64> {
        let api = self.header.as_ref()?;
        match api.send::<UnreadTotal>(api.request(Method::GET, "/unread", Some(token))).await {
            Ok(total) => Some(total.unread),
            Err(err) => {
                tracing::debug!(error = %err, "the header shows no unread messages badge");
                None
            }
        }
    }
}
