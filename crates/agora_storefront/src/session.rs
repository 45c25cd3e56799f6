//! The visitor's session: an encrypted, HttpOnly, SameSite=Lax cookie holding the CSRF token, the tokens
//! identity issued (the browser never sees them in readable form), the signed-in user's name and roles, a
//! flash message for the next page, a signed-out visitor's cart token and the cart's item count for the
//! header.
//!
//! A middleware loads it before the handler, refreshes an access token that is about to expire, and writes
//! the cookie back only when something changed.

use std::sync::{Arc, Mutex, PoisonError};

use agora_core::Timestamp;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::PrivateCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::Storefront;
use crate::identity::Tokens;
use agora_http::client::ClientError;

const COOKIE: &str = "agora_session";
/// Refresh the access token when it has less than this many seconds left.
const REFRESH_MARGIN_SECS: i64 = 30;

/// Unread messages (chat) and notifications (notify) for the header's badges; `None` when the service did
/// not answer in time (the page shows no badge then).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unread {
    pub messages: Option<i64>,
    pub notifications: Option<i64>,
}

/// A message shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// "success", "info" or "error".
    pub kind: String,
    pub message: String,
}

/// Who is signed in, as the pages need it. Its `Debug` leaves the tokens out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: uuid::Uuid,
    pub name: String,
    pub roles: Vec<String>,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds since the epoch.
    pub expires_at: i64,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("user_id", &self.user_id).field("roles", &self.roles).finish_non_exhaustive()
    }
}

impl SignedIn {
    pub fn has(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// Everything the cookie holds. Its `Debug` leaves the CSRF and cart tokens out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    pub csrf: String,
    pub user: Option<SignedIn>,
    pub flash: Option<Flash>,
    /// A signed-out visitor's cart token, minted by cart on their first "Add to cart"; merged into the
    /// buyer's cart and dropped at sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_token: Option<String>,
    /// Units in the cart as cart last answered, for the header (no call to cart on every page).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cart_count: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl std::fmt::Debug for SessionData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionData")
            .field("user", &self.user)
            .field("flash", &self.flash)
            .field("cart_count", &self.cart_count)
            .finish_non_exhaustive()
    }
}

impl SessionData {
    fn new() -> SessionData {
        SessionData { csrf: String::new(), user: None, flash: None, cart_token: None, cart_count: 0 }
    }
}

fn new_csrf() -> String {
    let mut bytes = [0u8; 32];
    // Without randomness there is no safe token; an empty one matches nothing a form sends.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The session of the current request, shared between the middleware and the handler; with the header's
/// unread counts for this request (asked of chat and notify, never kept in the cookie).
#[derive(Clone)]
pub struct Session {
    data: Arc<Mutex<SessionData>>,
    unread: Arc<Mutex<Unread>>,
}

impl Session {
    fn new(data: SessionData) -> Session {
        Session { data: Arc::new(Mutex::new(data)), unread: Arc::default() }
    }

    fn with<T>(&self, f: impl FnOnce(&mut SessionData) -> T) -> T {
        let mut data = self.data.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut data)
    }

    /// The header's unread counts, as far as they are known for this request.
    pub fn unread(&self) -> Unread {
        *self.unread.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_unread(&self, unread: Unread) {
        *self.unread.lock().unwrap_or_else(PoisonError::into_inner) = unread;
    }

    /// `n` unread messages were just read (the page marked them read after the header asked chat).
    pub fn messages_read(&self, n: i64) {
        let mut unread = self.unread.lock().unwrap_or_else(PoisonError::into_inner);
        unread.messages = unread.messages.map(|total| (total - n).max(0));
    }

    /// Nothing is known of the visitor (not signed in, no message waiting, nothing in a cart): every such
    /// visitor sees the same page.
    pub fn is_blank(&self) -> bool {
        self.with(|d| d.user.is_none() && d.flash.is_none() && d.cart_count == 0)
    }

    pub fn user(&self) -> Option<SignedIn> {
        self.with(|d| d.user.clone())
    }

    /// The form token, made on first use (a session that never shows a form needs no cookie).
    pub fn csrf(&self) -> String {
        self.with(|d| {
            if d.csrf.is_empty() {
                d.csrf = new_csrf();
            }
            d.csrf.clone()
        })
    }

    /// Whether a submitted form token matches, compared in constant time. A session that never made one
    /// matches nothing.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        let expected = self.with(|d| d.csrf.clone());
        !expected.is_empty()
            && expected.len() == submitted.len()
            && expected.bytes().zip(submitted.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    pub fn flash(&self, kind: &str, message: impl Into<String>) {
        self.with(|d| d.flash = Some(Flash { kind: kind.to_owned(), message: message.into() }));
    }

    pub fn take_flash(&self) -> Option<Flash> {
        self.with(|d| d.flash.take())
    }

    /// Signs in with fresh tokens; a new CSRF token too, so one planted before sign-in is worthless.
    pub fn sign_in(&self, tokens: &Tokens) {
        self.with(|d| {
            d.user = Some(signed_in(tokens));
            d.csrf = new_csrf();
        });
    }

    /// Signs out; the cart was the buyer's, so the header forgets it too.
    pub fn sign_out(&self) -> Option<SignedIn> {
        self.with(|d| {
            d.csrf = new_csrf();
            d.cart_token = None;
            d.cart_count = 0;
            d.user.take()
        })
    }

    /// The visitor's cart token, if they have a cart.
    pub fn cart_token(&self) -> Option<String> {
        self.with(|d| d.cart_token.clone())
    }

    pub fn set_cart_token(&self, token: Option<String>) {
        self.with(|d| d.cart_token = token);
    }

    pub fn cart_count(&self) -> u32 {
        self.with(|d| d.cart_count)
    }

    pub fn set_cart_count(&self, count: u32) {
        self.with(|d| d.cart_count = count);
    }

    /// Replaces the tokens after a refresh.
    pub fn refreshed(&self, tokens: &Tokens) {
        self.with(|d| d.user = Some(signed_in(tokens)));
    }
}

fn signed_in(tokens: &Tokens) -> SignedIn {
    SignedIn {
        user_id: tokens.user.id,
        name: tokens.user.display_name.clone(),
        roles: tokens.user.roles.clone(),
        access_token: tokens.access_token.clone(),
        refresh_token: tokens.refresh_token.clone(),
        expires_at: now_secs() + tokens.expires_in,
    }
}

/// Loads the session, refreshes a nearly expired access token, runs the handler, saves what changed.
pub async fn middleware(State(app): State<Storefront>, mut request: Request, next: Next) -> Response {
    let jar = PrivateCookieJar::from_headers(request.headers(), app.cookie_key.clone());
    let loaded = jar.get(COOKIE).and_then(|c| serde_json::from_str::<SessionData>(c.value()).ok());
    let data = loaded.clone().unwrap_or_else(SessionData::new);
    let session = Session::new(data);
    keep_fresh(&app, &session, REFRESH_MARGIN_SECS).await;
    let secure = app.secure_cookie(request.headers());
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;

    let data = session.with(|d| d.clone());
    // Written only when something changed: a visitor who was never asked for anything gets no cookie.
    if loaded.as_ref().unwrap_or(&SessionData::new()) != &data {
        let value = serde_json::to_string(&data).unwrap_or_default();
        let mut cookie =
            Cookie::build((COOKIE, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure);
        if data.user.is_some() {
            cookie = cookie.max_age(time_days(app.session_days));
        }
        response = (jar.add(cookie.build()), response).into_response();
    }
    response
}

/// Seconds since the epoch.
pub fn now_secs() -> i64 {
    Timestamp::now().as_micros() / 1_000_000
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

/// Refreshes the signed-in user's access token through identity when it has `margin_secs` or less left;
/// a session identity no longer accepts is signed out.
pub async fn keep_fresh(app: &Storefront, session: &Session, margin_secs: i64) {
    let Some(user) = session.user() else { return };
    if user.expires_at - now_secs() > margin_secs {
        return;
    }
    match app.identity.refresh(&user.refresh_token).await {
        Ok(tokens) => session.refreshed(&tokens),
        Err(ClientError::Problem(problem)) => {
            tracing::info!(code = %problem.code, "session could not be refreshed; signed out");
            session.sign_out();
            session.flash("info", "Your session has ended. Please sign in again.");
        }
        // Identity is down: keep the session; pages that need it will say so.
        Err(ClientError::Unavailable(reason)) => tracing::warn!(%reason, "could not refresh a session"),
    }
}
