//! Moderation: every product (or only hidden ones), newest first; hide one with a reason its seller is
//! told, show it again, feature it on the home page or stop.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{admin, refusal};
use crate::Storefront;
use crate::catalog::{AdminFilter, Product};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::paging::next_link;
use crate::pages::{path_id, render};
use crate::session::Session;

#[derive(Template)]
#[template(path = "admin/products.html")]
struct ProductsPage {
    chrome: Chrome,
    products: Vec<Product>,
    only_hidden: bool,
    first_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProductsQuery {
    hidden: String,
    cursor: String,
}

fn back(only_hidden: bool) -> &'static str {
    if only_hidden { "/admin/products?hidden=1" } else { "/admin/products" }
}

pub async fn products(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(query): Query<ProductsQuery>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let only_hidden = !query.hidden.is_empty();
    let filter = if only_hidden { AdminFilter::Hidden } else { AdminFilter::All };
    let page = app.catalog.products_for_admin(&user.access_token, filter, &query.cursor).await?;
    let hidden = if only_hidden { "1" } else { "" };
    Ok(render(&ProductsPage {
        chrome: Chrome::new(&session, "All products", "/admin/products"),
        products: page.items,
        only_hidden,
        first_page: (!query.cursor.is_empty()).then(|| back(only_hidden).to_owned()),
        next_page: next_link("/admin/products", &[("hidden", hidden)], page.next_cursor),
    }))
}

/// A moderation action, and which list the admin came from.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    /// "1" when the admin was looking at hidden products only.
    hidden: String,
    /// For feature: "true" or "false".
    featured: String,
    /// For hide: told to the seller.
    reason: String,
}

/// Hides (with the reason the seller is told), shows or features/unfeatures a product, then returns to the
/// list the admin came from with what happened.
pub async fn moderate(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id = path_id(&id)?;
    let token = &user.access_token;
    let outcome = match action.as_str() {
        "hide" => app
            .catalog
            .moderate_hide(token, id, form.reason.trim())
            .await
            .map(|p| format!("“{}” is hidden; its seller is told why.", p.title)),
        "show" => app.catalog.moderate_show(token, id).await.map(|p| format!("“{}” is for sale again.", p.title)),
        "feature" if form.featured == "true" => {
            app.catalog.feature(token, id, true).await.map(|p| format!("“{}” is featured on the home page.", p.title))
        }
        "feature" => {
            app.catalog.feature(token, id, false).await.map(|p| format!("“{}” is no longer featured.", p.title))
        }
        _ => return Err(PageError::NotFound),
    };
    match outcome {
        Ok(message) => session.flash("success", message),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back(!form.hidden.is_empty())).into_response())
}
