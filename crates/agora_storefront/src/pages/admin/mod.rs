//! Admin pages: users (search, disable, enable, revoke a seller), seller applications (approve, reject), the
//! category tree and product moderation. The pages only show what the admin APIs allow; identity and catalog
//! check the admin role again on every call.

mod applications;
mod categories;
mod products;
mod users;

pub use applications::{application_action, applications};
pub use categories::{categories, create_category, delete_category, update_category};
pub use products::{moderate, products};
pub use users::{user_action, users};

use axum::http::Uri;
use serde::Deserialize;

use super::{rejected, signed_in};
use crate::error::PageError;
use crate::session::{Session, SignedIn};
use agora_http::client::ClientError;

pub(super) fn admin(session: &Session, uri: &Uri) -> Result<SignedIn, PageError> {
    let user = signed_in(session, uri)?;
    if user.has("admin") { Ok(user) } else { Err(PageError::Forbidden) }
}

/// The query of an admin API call: the page's filters that are set, and the cursor if any.
pub(super) fn api_query<'a>(params: &[(&'a str, &'a str)], cursor: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut query: Vec<(&str, &str)> = params.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    if !cursor.is_empty() {
        query.push(("cursor", cursor));
    }
    query
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    pub reason: String,
}

/// What to tell the admin when a service refused an action (a decided application, their own account…).
pub(super) fn refusal(err: ClientError) -> Result<String, PageError> {
    match err {
        ClientError::Problem(problem) if problem.status == 403 && problem.code != "forbidden" => {
            Ok(problem.detail.map(|d| super::capitalise(&d)).unwrap_or_else(|| "That is not allowed.".to_owned()))
        }
        ClientError::Problem(problem) if problem.status == 404 => Ok("It no longer exists.".to_owned()),
        other => Ok(rejected(other)?.message_or("That did not work.")),
    }
}
