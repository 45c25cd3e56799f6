//! [`JsonBody`]: a JSON request body whose every failure is problem+json naming what is wrong — the content
//! type, the syntax, or the field that has the wrong type or is missing.

use agora_core::ErrorKind;
use axum::body::Bytes;
use axum::extract::{FromRequest, OptionalFromRequest, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::{ApiError, FieldError, Problem};

/// A deserialized JSON body.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

/// Why a body was refused.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("send the body as application/json")]
    ContentType,
    #[error("the body is larger than this service accepts")]
    TooLarge,
    #[error("the body could not be read: {0}")]
    Unreadable(String),
    #[error("the body is not valid JSON: {0}")]
    Syntax(String),
    #[error("the body does not have the expected shape")]
    Shape(FieldError),
}

impl ApiError for BodyError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Invalid
    }

    fn code(&self) -> &'static str {
        match self {
            BodyError::ContentType => "unsupported_media_type",
            BodyError::TooLarge => "body_too_large",
            BodyError::Unreadable(_) => "unreadable_body",
            BodyError::Syntax(_) => "malformed_json",
            BodyError::Shape(_) => "invalid_body",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            BodyError::Shape(field) => vec![field.clone()],
            _ => Vec::new(),
        }
    }
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        let mut problem = Problem::from_error(&self);
        match self {
            BodyError::ContentType => problem.status = 415,
            BodyError::TooLarge => problem.status = 413,
            _ => {}
        }
        problem.into_response()
    }
}

fn is_json(req: &Request) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = BodyError;

    async fn from_request(req: Request, state: &S) -> Result<JsonBody<T>, BodyError> {
        if !is_json(&req) {
            return Err(BodyError::ContentType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|err| {
            if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                BodyError::TooLarge
            } else {
                BodyError::Unreadable(err.body_text())
            }
        })?;
        parse(&bytes).map(JsonBody)
    }
}

/// `Option<JsonBody<T>>`: `None` for a request without a content type (an empty body), an error for a body
/// that is not JSON or does not parse.
impl<S: Send + Sync, T: DeserializeOwned> OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = BodyError;

    async fn from_request(req: Request, state: &S) -> Result<Option<JsonBody<T>>, BodyError> {
        if !req.headers().contains_key(header::CONTENT_TYPE) {
            return Ok(None);
        }
        <JsonBody<T> as FromRequest<S>>::from_request(req, state).await.map(Some)
    }
}

/// Parses a JSON document, naming the field at fault.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return BodyError::Syntax(inner.to_string());
        }
        let message = inner.to_string();
        // serde names a missing field in its message; the path then points at its parent.
        let field = match message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            Some(missing) if path == "." => missing.to_owned(),
            Some(missing) => format!("{path}.{missing}"),
            None => path,
        };
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        BodyError::Shape(FieldError::new(field, message))
    })?;
    deserializer.end().map_err(|err| BodyError::Syntax(err.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only deserialized")]
    struct SignIn {
        email: String,
        remember: bool,
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = parse::<SignIn>(br#"{"remember": true}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "email");
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        let err = parse::<SignIn>(br#"{"email": "a@b.c", "remember": "yes"}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "remember");
    }

    #[test]
    fn broken_json_is_a_syntax_error() {
        assert!(matches!(parse::<SignIn>(b"{\"email\": "), Err(BodyError::Syntax(_))));
    }
}
