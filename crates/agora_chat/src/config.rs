//! Chat's settings (`[settings.chat]` and `[settings.chat.live]`), checked at start so a bad value names its key.

use std::time::Duration;

use agora_http::live::LiveSettings;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatSettings {
    /// Messages one user may post in `rate_window_secs`, over all their conversations.
    pub rate_limit: u32,
    pub rate_window_secs: u64,
    /// Longest message, in characters (after trimming).
    pub max_message_chars: usize,
    /// Messages per history page when the client does not ask for fewer.
    pub page_size: u32,
    /// How long one call to catalog may take, in milliseconds.
    pub catalog_timeout_ms: u64,
    /// How often this instance records which users have sockets open here, in milliseconds.
    pub presence_interval_ms: u64,
    /// The WebSocket.
    pub live: LiveSettings,
}

impl Default for ChatSettings {
    fn default() -> Self {
        ChatSettings {
            rate_limit: 30,
            rate_window_secs: 60,
            max_message_chars: 4000,
            page_size: 50,
            catalog_timeout_ms: 2000,
            presence_interval_ms: 1000,
            live: LiveSettings::default(),
        }
    }
}

/// The most messages one history page (or one conversation of a resume) holds.
pub const MAX_PAGE: u32 = 200;

impl ChatSettings {
    /// Checks every value; the error names the first bad key.
    pub fn validate(&self) -> Result<(), String> {
        let key = |name: &str, message: &str| format!("settings.chat.{name}: {message}");
        if self.rate_limit == 0 {
            return Err(key("rate_limit", "must be at least 1"));
        }
        if self.rate_window_secs == 0 {
            return Err(key("rate_window_secs", "must be at least 1"));
        }
        if self.max_message_chars == 0 {
            return Err(key("max_message_chars", "must be at least 1"));
        }
        if self.page_size == 0 || self.page_size > MAX_PAGE {
            return Err(key("page_size", &format!("must be between 1 and {MAX_PAGE}")));
        }
        if self.catalog_timeout_ms == 0 {
            return Err(key("catalog_timeout_ms", "must be at least 1"));
        }
        if self.presence_interval_ms < 10 {
            return Err(key("presence_interval_ms", "must be at least 10"));
        }
        self.live.validate().map_err(|message| format!("settings.chat.{message}"))
    }

    pub fn catalog_timeout(&self) -> Duration {
        Duration::from_millis(self.catalog_timeout_ms)
    }

    pub fn rate_window(&self) -> Duration {
        Duration::from_secs(self.rate_window_secs)
    }

    pub fn presence_interval(&self) -> Duration {
        Duration::from_millis(self.presence_interval_ms)
    }

    /// How recently an instance must have recorded its presence for its users to count as online: three
    /// intervals, and at least five seconds.
    pub fn presence_window(&self) -> Duration {
        (self.presence_interval() * 3).max(Duration::from_secs(5))
    }
}
