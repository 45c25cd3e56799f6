//! Everything that can go wrong in payment, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, FieldError, Problem};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::PaymentStatus;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    /// No payment for this checkout yet (or not one the caller may see).
    #[error("no payment for this checkout (yet); it is being prepared")]
    PaymentNotFound,
    #[error("this payment is closed: {1}")]
    PaymentClosed(PaymentStatus, &'static str),
    #[error("this checkout is paid already")]
    AlreadyPaid,
    #[error("a payment attempt is under way; wait for its outcome")]
    PaymentInProgress,
    /// A transition the state machine does not allow.
    #[error("the payment's status is {}; it cannot {action}", .status.as_str())]
    InvalidState { status: PaymentStatus, action: &'static str },
    /// The provider refused the charge; the buyer may try again.
    #[error("{message}")]
    Declined { code: &'static str, message: String, attempt_id: Uuid },
    #[error("the payment provider cannot be reached; try again in a moment")]
    ProviderUnavailable,
    #[error("payments through {0} are not enabled here")]
    ProviderNotEnabled(&'static str),
    #[error("the webhook signature is not valid: {0}")]
    BadSignature(String),
    #[error("the webhook could not be read: {0}")]
    InvalidWebhook(String),
    #[error(transparent)]
    Auth(#[from] agora_http::AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for PaymentError {
    fn from(err: sqlx::Error) -> Self {
        PaymentError::Db(err.into())
    }
}

impl PaymentError {
    /// A validation error about one field.
    pub fn field(field: &str, message: impl Into<String>) -> PaymentError {
        PaymentError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The current state a conflict is about, for clients to show.
    fn status(&self) -> Option<&'static str> {
        match self {
            PaymentError::AlreadyPaid => Some(PaymentStatus::Succeeded.as_str()),
            PaymentError::PaymentInProgress => Some(PaymentStatus::Processing.as_str()),
            PaymentError::InvalidState { status, .. } | PaymentError::PaymentClosed(status, _) => Some(status.as_str()),
            _ => None,
        }
    }
}

impl ApiError for PaymentError {
    fn kind(&self) -> ErrorKind {
        use PaymentError::*;
        match self {
            Invalid(_) | BadSignature(_) | InvalidWebhook(_) => ErrorKind::Invalid,
            PaymentNotFound | ProviderNotEnabled(_) => ErrorKind::NotFound,
            PaymentClosed(..) | AlreadyPaid | PaymentInProgress | InvalidState { .. } | Declined { .. } => {
                ErrorKind::Conflict
            }
            ProviderUnavailable => ErrorKind::Unavailable,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use PaymentError::*;
        match self {
            Invalid(_) => "invalid_input",
            PaymentNotFound => "payment_not_found",
            PaymentClosed(..) => "payment_closed",
            AlreadyPaid => "already_paid",
            PaymentInProgress => "payment_in_progress",
            InvalidState { .. } => "invalid_payment_state",
            Declined { code, .. } => code,
            ProviderUnavailable => "provider_unavailable",
            ProviderNotEnabled(_) => "provider_not_enabled",
            BadSignature(_) => "bad_signature",
            InvalidWebhook(_) => "invalid_webhook",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            PaymentError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }

    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut map = serde_json::Map::new();
        if let Some(status) = self.status() {
            map.insert("payment_status".into(), status.into());
        }
        if let PaymentError::Declined { attempt_id, .. } = self {
            map.insert("attempt_id".into(), attempt_id.to_string().into());
        }
        map
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            PaymentError::Db(err) => err.retry_after(),
            PaymentError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for PaymentError {
    fn into_response(self) -> Response {
        let mut problem = Problem::from_error(&self);
        match self {
            PaymentError::Declined { .. } => {
                problem.status = 402;
                "Payment declined".clone_into(&mut problem.title);
            }
            // A webhook that is not signed or not readable is a bad request, not a form to correct.
            PaymentError::BadSignature(_) | PaymentError::InvalidWebhook(_) => problem.status = 400,
            _ => {}
        }
        problem.into_response()
    }
}
