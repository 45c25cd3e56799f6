//! The storefront: server-rendered pages for visitors, buyers, sellers and admins. It owns no data; it is
//! the backend-for-frontend that calls the services' REST APIs with the visitor's own token. Every form
//! works without JavaScript and carries a CSRF token; the session lives in an encrypted HttpOnly cookie.

mod assets;
mod cart;
mod catalog;
mod chart;
mod chat;
mod chrome;
pub mod config;
mod error;
mod form;
mod identity;
mod live;
mod notify;
mod order;
mod pages;
mod payment;
mod price;
mod session;
mod wishlist;

use std::time::Duration;

use agora_core::Currency;
use agora_http::service::ServiceError;
use agora_http::{Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::Key;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use config::StorefrontSettings;

use crate::cart::CartClient;
use crate::catalog::CatalogClient;
use crate::chat::ChatClient;
use crate::identity::IdentityClient;
use crate::notify::NotifyClient;
use crate::order::OrderClient;
use crate::payment::PaymentClient;
use crate::wishlist::WishlistClient;

/// What every page handler gets.
#[derive(Clone)]
pub struct Storefront {
    identity: IdentityClient,
    catalog: CatalogClient,
    cart: CartClient,
    order: OrderClient,
    payment: PaymentClient,
    wishlist: WishlistClient,
    chat: ChatClient,
    notify: NotifyClient,
    /// The marketplace's currency, for the prices sellers type.
    currency: Currency,
    /// Largest picture a seller may upload, in bytes.
    max_upload_bytes: usize,
    cookie_key: Key,
    secure_cookies: SecureCookies,
    /// How long a signed-in session cookie lives (as long as identity's refresh tokens).
    session_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecureCookies {
    Auto,
    Always,
    Never,
}

impl Storefront {
    /// Whether the cookie gets the `Secure` attribute: always over TLS (the ingress says so).
    fn secure_cookie(&self, headers: &HeaderMap) -> bool {
        match self.secure_cookies {
            SecureCookies::Always => true,
            SecureCookies::Never => false,
            SecureCookies::Auto => {
                headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p == "https")
            }
        }
    }
}

/// The storefront service, mounted at `/`.
pub struct StorefrontService;

fn start_error(message: impl Into<String>) -> ServiceError {
    ServiceError::Start { service: "storefront", message: message.into() }
}

#[async_trait]
impl Service for StorefrontService {
    fn name(&self) -> &'static str {
        "storefront"
    }

    fn mount(&self) -> String {
        "/".to_owned()
    }

    fn migrations(&self) -> Option<&'static agora_db::Migrations> {
        None
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, ServiceError> {
        let settings: StorefrontSettings = ctx.settings()?;
        let cookie_key = if settings.cookie_key.is_empty() {
            tracing::warn!(
                "settings.storefront.cookie_key is not set: sessions end when this process restarts and are not \
                 shared between storefront instances"
            );
            Key::try_generate().ok_or_else(|| start_error("no randomness for a cookie key"))?
        } else {
            let bytes = STANDARD
                .decode(settings.cookie_key.trim())
                .map_err(|_| start_error("settings.storefront.cookie_key must be base64"))?;
            Key::try_from(bytes.as_slice())
                .map_err(|_| start_error("settings.storefront.cookie_key must hold at least 64 bytes"))?
        };
        let secure_cookies = match settings.secure_cookies.as_str() {
            "auto" => SecureCookies::Auto,
            "always" => SecureCookies::Always,
            "never" => SecureCookies::Never,
            _ => return Err(start_error("settings.storefront.secure_cookies must be auto, always or never")),
        };
        let identity_url =
            ctx.base_urls.get("identity").cloned().ok_or_else(|| {
                start_error("the storefront needs identity: run it in this process or set urls.identity")
            })?;
        let catalog_url =
            ctx.base_urls.get("catalog").cloned().ok_or_else(|| {
                start_error("the storefront needs catalog: run it in this process or set urls.catalog")
            })?;
        let currency = Currency::parse(&settings.currency)
            .map_err(|_| start_error("settings.storefront.currency must be a three-letter ISO 4217 code"))?;
        if settings.max_upload_bytes == 0 {
            return Err(start_error("settings.storefront.max_upload_bytes must be greater than zero"));
        }
        // The buying pages need cart, order and payment, the wishlist page wishlist, the messages chat and the
        // notifications notify; without one they say it is unavailable, and the rest of the storefront works
        // on (the header just shows no badge).
        let service_url = |service: &str| {
            let url = ctx.base_urls.get(service).cloned();
            if url.is_none() {
                tracing::warn!(
                    service,
                    "the storefront has no URL for {service}: pages that need it will say it is unavailable (set urls.{service})"
                );
            }
            url
        };
        let timeout = Duration::from_millis(settings.service_timeout_ms);
        let header_timeout = Duration::from_millis(settings.header_timeout_ms);
        let app = Storefront {
            identity: IdentityClient::new(identity_url, timeout),
            catalog: CatalogClient::new(catalog_url, timeout, Duration::from_millis(settings.catalog_cache_ms)),
            cart: CartClient::new(service_url("cart"), timeout),
            order: OrderClient::new(service_url("order"), timeout),
            payment: PaymentClient::new(service_url("payment"), timeout),
            wishlist: WishlistClient::new(service_url("wishlist"), timeout),
            chat: ChatClient::new(service_url("chat"), timeout, header_timeout),
            notify: NotifyClient::new(service_url("notify"), timeout, header_timeout),
            currency,
            max_upload_bytes: settings.max_upload_bytes,
            cookie_key,
            secure_cookies,
            session_days: 30,
        };
        Ok(ServiceParts { router: pages::router(app), ..ServiceParts::default() })
    }
}
