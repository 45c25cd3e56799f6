//! [`CsrfForm`]: a submitted HTML form whose CSRF token matched the session's, or a 403 page.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::PageError;
use crate::session::Session;

/// The name of the hidden field every form carries.
pub const CSRF_FIELD: &str = "_csrf";

pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<CsrfForm<T>, PageError> {
        let session = req.extensions().get::<Session>().cloned().ok_or(PageError::Csrf)?;
        let bytes = Bytes::from_request(req, state).await.map_err(|_| PageError::Csrf)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::Csrf)?;
        let token = pairs.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str()).unwrap_or("");
        if !session.csrf_matches(token) {
            tracing::warn!("form posted without a valid CSRF token");
            return Err(PageError::Csrf);
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| PageError::Internal(format!("unreadable form: {e}")))
    }
}
