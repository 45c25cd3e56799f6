//! The storefront's settings (`[settings.storefront]`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorefrontSettings {
    /// Base64 of at least 64 random bytes that encrypt and sign the session cookie. Every storefront instance
    /// needs the same key (AGORA_SETTINGS__STOREFRONT__COOKIE_KEY). Empty: a random key per process, so
    /// sessions end when it restarts.
    pub cookie_key: String,
    /// "auto" (Secure when the request came over HTTPS, as X-Forwarded-Proto says), "always" or "never".
    pub secure_cookies: String,
    /// How long a call to another service may take before the page says it is unavailable, in milliseconds.
    pub service_timeout_ms: u64,
    /// How long a page waits for chat's and notify's unread counts for its header, in milliseconds; a
    /// service slower than this only loses its badge on that page.
    pub header_timeout_ms: u64,
    /// Products as signed-out visitors see them are kept this long, in milliseconds (0: never).
    pub catalog_cache_ms: u64,
    /// The marketplace's currency (ISO 4217), in which sellers' price fields are sent to catalog. It must be
    /// catalog's `settings.catalog.currency`; if they differ, catalog refuses prices and the form says so.
    pub currency: String,
    /// Largest picture a seller may upload through the storefront, in bytes: catalog's
    /// `settings.catalog.media.max_upload_bytes`. Only the upload form accepts a body this large.
    pub max_upload_bytes: usize,
}

impl Default for StorefrontSettings {
    fn default() -> Self {
        StorefrontSettings {
            cookie_key: String::new(),
            secure_cookies: "auto".to_owned(),
            service_timeout_ms: 5000,
            header_timeout_ms: 500,
            catalog_cache_ms: 5000,
            currency: "EUR".to_owned(),
            max_upload_bytes: 5 * 1024 * 1024,
        }
    }
}
