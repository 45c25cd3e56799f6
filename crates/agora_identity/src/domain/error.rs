//! Everything that can go wrong in identity, each with a kind and a stable code.

use agora_core::ErrorKind;
use agora_http::{ApiError, FieldError, Problem};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("some fields need attention")]
    Invalid(Vec<FieldError>),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the email or password is not right")]
    BadCredentials,
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("the current password is not right")]
    WrongPassword,
    #[error("the session has ended; sign in again")]
    SessionEnded,
    #[error("this refresh token was already used; the session has been signed out for safety")]
    RefreshReused,
    #[error("too many attempts; try again in {0} seconds")]
    RateLimited(u64),
    #[error("no such user")]
    UserNotFound,
    #[error("no such seller")]
    SellerNotFound,
    #[error("no such application")]
    ApplicationNotFound,
    #[error("you already sell on Agora")]
    AlreadySeller,
    #[error("you already have an application waiting for a decision")]
    ApplicationPending,
    #[error("the application was already {0}")]
    ApplicationDecided(&'static str),
    #[error("a shop with this name already exists")]
    ShopNameTaken,
    #[error("an admin cannot decide their own application")]
    OwnApplication,
    #[error("an admin cannot disable their own account")]
    OwnAccount,
    #[error("the applicant's account is disabled")]
    ApplicantDisabled,
    #[error("this needs the admin role")]
    NotAdmin,
    #[error("the user is not a seller")]
    NotASeller,
    #[error(transparent)]
    Auth(#[from] agora_http::AuthError),
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for IdentityError {
    fn from(err: sqlx::Error) -> Self {
        IdentityError::Db(err.into())
    }
}

impl IdentityError {
    /// The error with its field messages, for people reading a terminal or a log.
    pub fn explain(&self) -> String {
        match self {
            IdentityError::Invalid(fields) => FieldError::explain(fields),
            other => other.to_string(),
        }
    }

    /// A validation error about one field.
    pub fn field(field: &str, message: &str) -> IdentityError {
        IdentityError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError for IdentityError {
    fn kind(&self) -> ErrorKind {
        use IdentityError::*;
        match self {
            Invalid(_) => ErrorKind::Invalid,
            BadCredentials | SessionEnded | RefreshReused | WrongPassword => ErrorKind::Unauthenticated,
            AccountDisabled | OwnApplication | OwnAccount | NotAdmin => ErrorKind::Forbidden,
            EmailTaken
            | ApplicantDisabled
            | AlreadySeller
            | ApplicationPending
            | ApplicationDecided(_)
            | ShopNameTaken
            | NotASeller => ErrorKind::Conflict,
            RateLimited(_) => ErrorKind::RateLimited,
            UserNotFound | SellerNotFound | ApplicationNotFound => ErrorKind::NotFound,
            Auth(err) => err.kind(),
            Db(err) => err.kind(),
            Event(err) => err.kind(),
            Internal(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use IdentityError::*;
        match self {
            Invalid(_) => "invalid_input",
            EmailTaken => "email_taken",
            BadCredentials => "bad_credentials",
            AccountDisabled => "account_disabled",
            WrongPassword => "wrong_password",
            SessionEnded => "session_ended",
            RefreshReused => "refresh_token_reused",
            RateLimited(_) => "rate_limited",
            UserNotFound => "user_not_found",
            SellerNotFound => "seller_not_found",
            ApplicationNotFound => "application_not_found",
            AlreadySeller => "already_seller",
            ApplicationPending => "application_pending",
            ApplicationDecided(_) => "application_decided",
            ShopNameTaken => "shop_name_taken",
            OwnApplication => "own_application",
            OwnAccount => "own_account",
            NotASeller => "not_a_seller",
            NotAdmin => "forbidden",
            ApplicantDisabled => "applicant_disabled",
            Auth(err) => err.code(),
            Db(err) => err.code(),
            Event(err) => err.code(),
            Internal(_) => "internal",
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            IdentityError::Invalid(fields) => fields.clone(),
            IdentityError::EmailTaken => vec![FieldError::new("email", "an account with this email already exists")],
            IdentityError::ShopNameTaken => vec![FieldError::new("shop_name", "a shop with this name already exists")],
            IdentityError::WrongPassword => {
                vec![FieldError::new("current_password", "the current password is not right")]
            }
            _ => Vec::new(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            IdentityError::RateLimited(seconds) => Some(*seconds),
            IdentityError::Db(err) => err.retry_after(),
            IdentityError::Event(err) => err.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for IdentityError {
    fn into_response(self) -> Response {
        Problem::from_error(&self).into_response()
    }
}
