//! Who is calling: access tokens signed by identity, verified locally by every service.
//!
//! Identity signs short-lived EdDSA JWTs whose header names the key (`kid`) and publishes its public keys as a
//! JWKS. [`TokenVerifier`] fetches that set, caches it, and fetches again when a token names a key it does not
//! know (a rotation) — at most a few times a second, so made-up key ids cannot flood identity. The [`Caller`]
//! extractor gives handlers the verified user id and roles: `401` for no or a bad token, and
//! [`Caller::require`] gives `403` to a valid caller without the right.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_core::ErrorKind;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};
use uuid::Uuid;

use crate::{ApiError, Problem};

/// Who signs access tokens.
pub const ISSUER: &str = "agora-identity";
/// Who access tokens are for.
pub const AUDIENCE: &str = "agora";

/// What a user may do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Buyer,
    Seller,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Seller => "seller",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "buyer" => Some(Role::Buyer),
            "seller" => Some(Role::Seller),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: Uuid,
    pub roles: Vec<Role>,
    /// The session (refresh-token family) the token was issued in.
    pub sid: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
}

/// The verified caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub roles: Vec<Role>,
    pub session_id: Uuid,
    /// When the token expires, in seconds since the epoch.
    pub expires_at: i64,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// `Ok` when the caller holds `role`, otherwise a `403`.
    pub fn require(&self, role: Role) -> Result<(), AuthError> {
        if self.has(role) { Ok(()) } else { Err(AuthError::Forbidden(role)) }
    }
}

/// Why a request is not allowed through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("sign in first: this needs an access token")]
    Missing,
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid")]
    Invalid,
    #[error("this needs the {0} role")]
    Forbidden(Role),
    #[error("tokens cannot be checked right now")]
    Unavailable,
}

impl ApiError for AuthError {
    fn kind(&self) -> ErrorKind {
        match self {
            AuthError::Missing | AuthError::Expired | AuthError::Invalid => ErrorKind::Unauthenticated,
            AuthError::Forbidden(_) => ErrorKind::Forbidden,
            AuthError::Unavailable => ErrorKind::Unavailable,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AuthError::Missing => "unauthenticated",
            AuthError::Expired => "token_expired",
            AuthError::Invalid => "invalid_token",
            AuthError::Forbidden(_) => "forbidden",
            AuthError::Unavailable => "auth_unavailable",
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response = Problem::from_error(&self).into_response();
        if self.kind() == ErrorKind::Unauthenticated {
            let challenge = match self {
                AuthError::Missing => "Bearer",
                _ => "Bearer error=\"invalid_token\"",
            };
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

/// Keys kept longer than this are fetched again, so retired keys stop being accepted.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// Fetches for unknown key ids are at least this far apart.
const MIN_REFETCH: Duration = Duration::from_millis(250);

/// Verifies access tokens against identity's published keys. Cheap to clone.
#[derive(Clone)]
pub struct TokenVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` when no identity service is reachable from this process.
    jwks_url: Option<String>,
    client: reqwest::Client,
    keys: RwLock<KeyCache>,
    fetching: Mutex<()>,
    validation: Validation,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// The last attempt, successful or not.
    attempted_at: Option<Instant>,
}

impl TokenVerifier {
    /// A verifier that fetches keys from `jwks_url` (identity's `/jwks.json`).
    pub fn new(jwks_url: Option<String>) -> TokenVerifier {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenVerifier {
            inner: Arc::new(Inner {
                jwks_url,
                client,
                keys: RwLock::new(KeyCache::default()),
                fetching: Mutex::new(()),
                validation,
            }),
        }
    }

    /// The caller a bearer token stands for.
    pub async fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Invalid)?;
        if header.alg != Algorithm::EdDSA {
            return Err(AuthError::Invalid);
        }
        let kid = header.kid.ok_or(AuthError::Invalid)?;
        let key = self.key(&kid).await?.ok_or(AuthError::Invalid)?;
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &key, &self.inner.validation).map_err(|err| {
                match err.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                    _ => AuthError::Invalid,
                }
            })?;
        let claims = data.claims;
        Ok(Caller { user_id: claims.sub, roles: claims.roles, session_id: claims.sid, expires_at: claims.exp })
    }

    /// The key named `kid`, fetching the key set when it is unknown or stale. Fetches are at least
    /// [`MIN_REFETCH`] apart whatever the requests ask for; when identity cannot be reached, the keys already
    /// known keep working.
    async fn key(&self, kid: &str) -> Result<Option<DecodingKey>, AuthError> {
        let stale = {
            let cache = self.inner.keys.read().await;
            let fresh = cache.fetched_at.is_some_and(|at| at.elapsed() < CACHE_TTL);
            match cache.keys.get(kid) {
                Some(key) if fresh => return Ok(Some(key.clone())),
                other => other.cloned(),
            }
        };
        for waited in [false, true] {
            // A known key whose set is due for a refresh: someone else may be refreshing it; do not queue.
            let single_flight = match (&stale, self.inner.fetching.try_lock()) {
                (_, Ok(guard)) => guard,
                (Some(key), Err(_)) => return Ok(Some(key.clone())),
                (None, Err(_)) => self.inner.fetching.lock().await,
            };
            let (known, since_attempt, ever_fetched) = {
                let cache = self.inner.keys.read().await;
                (cache.keys.get(kid).cloned(), cache.attempted_at.map(|at| at.elapsed()), cache.fetched_at.is_some())
            };
            if let Some(elapsed) = since_attempt.filter(|elapsed| *elapsed < MIN_REFETCH) {
                if known.is_some() || waited {
                    return if known.is_some() || ever_fetched { Ok(known) } else { Err(AuthError::Unavailable) };
                }
                // A key published a moment ago (a rotation): wait out the interval, without holding the lock.
                drop(single_flight);
                tokio::time::sleep(MIN_REFETCH.saturating_sub(elapsed)).await;
                continue;
            }
            let fetched = self.fetch().await;
            let mut cache = self.inner.keys.write().await;
            cache.attempted_at = Some(Instant::now());
            return match fetched {
                Ok(keys) => {
                    let found = keys.get(kid).cloned();
                    cache.keys = keys;
                    cache.fetched_at = cache.attempted_at;
                    Ok(found)
                }
                Err(_) if known.is_some() => Ok(known),
                Err(err) => Err(err),
            };
        }
        Ok(None)
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, AuthError> {
        let url = self.inner.jwks_url.as_deref().ok_or(AuthError::Unavailable)?;
        let response = self.inner.client.get(url).send().await.map_err(|err| {
            tracing::warn!(error = %err, "fetching identity's signing keys failed");
            AuthError::Unavailable
        })?;
        let set: JwkSet =
            response.error_for_status().map_err(|_| AuthError::Unavailable)?.json().await.map_err(|err| {
                tracing::warn!(error = %err, "identity's key set is unreadable");
                AuthError::Unavailable
            })?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let (Some(kid), AlgorithmParameters::OctetKeyPair(_)) = (&jwk.common.key_id, &jwk.algorithm) else {
                continue;
            };
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid.clone(), key);
            }
        }
        Ok(keys)
    }
}

/// Reads the bearer token of a request, if any.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

fn verifier(parts: &Parts) -> Result<TokenVerifier, AuthError> {
    parts.extensions.get::<TokenVerifier>().cloned().ok_or(AuthError::Unavailable)
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, AuthError> {
        let token = bearer_token(parts).ok_or(AuthError::Missing)?.to_owned();
        verifier(parts)?.verify(&token).await
    }
}

/// `Option<Caller>`: `None` without a token, an error for a bad one.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Caller {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Caller>, AuthError> {
        let Some(token) = bearer_token(parts).map(str::to_owned) else {
            return Ok(None);
        };
        verifier(parts)?.verify(&token).await.map(Some)
    }
}
