//! The caller's muted categories: read them, or replace them with a list of names (an unknown name is
//! refused, naming it).

use agora_http::Caller;
use serde::Deserialize;

use super::Inbox;
use super::view::PreferencesView;
use crate::domain::{Category, Muted, NotifyError};
use crate::store::preferences;

/// The categories to mute; every other one is heard.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PreferencesInput {
    /// Names among `orders`, `messages`, `account`, `products`, `wishlist`.
    pub muted: Vec<String>,
}

impl PreferencesInput {
    fn parse(&self) -> Result<Muted, NotifyError> {
        let mut categories = Vec::new();
        for name in &self.muted {
            let category = Category::parse(name.trim()).ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                NotifyError::field("muted", format!("{name:?} is not a category; use {}", known.join(", ")))
            })?;
            categories.push(category);
        }
        Ok(Muted::of(categories))
    }
}

impl Inbox {
    pub async fn preferences(&self, caller: &Caller) -> Result<PreferencesView, NotifyError> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(PreferencesView::from(&preferences::find(&mut conn, caller.user_id).await?))
    }

    /// Replaces the caller's muted categories; later events of a muted category make no notification.
    pub async fn set_preferences(
        &self,
        caller: &Caller,
        input: &PreferencesInput,
    ) -> Result<PreferencesView, NotifyError> {
        let muted = input.parse()?;
        let mut conn = self.db.pool().acquire().await?;
        preferences::save(&mut conn, caller.user_id, &muted).await?;
        tracing::debug!(muted = %muted.to_stored(), "notification preferences changed");
        Ok(PreferencesView::from(&muted))
    }
}
