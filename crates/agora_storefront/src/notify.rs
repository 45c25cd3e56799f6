//! A typed client of notify's REST API, always with the signed-in user's token: the inbox a page at a
//! time, marking one or all read, the mute preferences, and the unread count for the header's bell (asked
//! with a short timeout of its own).

use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;
use uuid::Uuid;

use agora_http::client::{ClientError, ServiceClient};

/// A page of the inbox, newest first.
#[derive(Debug, Clone, Deserialize)]
pub struct Inbox {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub unread: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: Uuid,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// A storefront path (shown only when it is one).
    #[serde(default)]
    pub link: String,
    pub read: bool,
    pub created_at: String,
}

/// The categories a user may mute, and which they did.
#[derive(Debug, Clone, Deserialize)]
pub struct Preferences {
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub name: String,
    pub label: String,
    pub muted: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
struct UnreadCount {
    unread: i64,
}

#[derive(Clone)]
pub struct NotifyClient {
    api: Option<ServiceClient>,
    /// The same API with the header's short timeout.
    header: Option<ServiceClient>,
}

impl NotifyClient {
    /// A client of notify at `base`; without one every call says notify is unavailable.
    pub fn new(base: Option<String>, timeout: Duration, header_timeout: Duration) -> NotifyClient {
        NotifyClient {
            api: base.clone().map(|base| ServiceClient::new("notify", base, timeout)),
            header: base.map(|base| ServiceClient::new("notify", base, header_timeout)),
        }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api.as_ref().ok_or_else(|| ClientError::Unavailable("notify is not configured (urls.notify)".to_owned()))
    }

    /// The inbox page from `cursor` (empty for the newest).
    pub async fn inbox(&self, token: &str, cursor: &str) -> Result<Inbox, ClientError> {
        let api = self.api()?;
        let mut query: Vec<(&str, &str)> = Vec::new();
        if !cursor.is_empty() {
            query.push(("cursor", cursor));
        }
        api.send(api.request(Method::GET, "/notifications", Some(token)).query(&query)).await
    }

    pub async fn read(&self, token: &str, id: Uuid) -> Result<(), ClientError> {
        let api = self.api()?;
        api.send::<IgnoredAny>(api.request(Method::POST, &format!("/notifications/{id}/read"), Some(token))).await?;
        Ok(())
    }

    pub async fn read_all(&self, token: &str) -> Result<(), ClientError> {
        let api = self.api()?;
        api.send::<IgnoredAny>(api.request(Method::POST, "/notifications/read-all", Some(token))).await?;
        Ok(())
    }

    pub async fn preferences(&self, token: &str) -> Result<Preferences, ClientError> {
        let api = self.api()?;
        api.send(api.request(Method::GET, "/preferences", Some(token))).await
    }

    /// Mutes exactly these categories.
    pub async fn set_muted(&self, token: &str, muted: &[String]) -> Result<Preferences, ClientError> {
        let api = self.api()?;
        api.send(api.request(Method::PUT, "/preferences", Some(token)).json(&json!({ "muted": muted }))).await
    }

    /// The caller's unread notifications, for the bell: `None` unless notify answers within the header's
    /// timeout.
    pub async fn unread(&self, token: &str) -> Option<i64> {
        let api = self.header.as_ref()?;
        match api.send::<UnreadCount>(api.request(Method::GET, "/unread", Some(token))).await {
            Ok(count) => Some(count.unread),
            Err(err) => {
                tracing::debug!(error = %err, "the header shows no unread notifications badge");
                None
            }
        }
    }
}
