//! Moderation: every product (or only hidden ones), newest first; hide one with a reason its seller is
//! told, show it again, feature it on the home page or stop.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{admin, next_link, refusal};
use crate::Storefront;
use crate::catalog::{AdminFilter, Product};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::render;
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

pub async fn hide_product(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    match app.catalog.moderate_hide(&user.access_token, id, form.reason.trim()).await {
        Ok(product) => session.flash("success", format!("“{}” is hidden; its seller is told why.", product.title)),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back(!form.hidden.is_empty())).into_response())
}

pub async fn show_product(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    match app.catalog.moderate_show(&user.access_token, id).await {
        Ok(product) => session.flash("success", format!("“{}” is for sale again.", product.title)),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back(!form.hidden.is_empty())).into_response())
}

pub async fn feature_product(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let featured = form.featured == "true";
    match app.catalog.feature(&user.access_token, id, featured).await {
        Ok(product) if featured => {
            session.flash("success", format!("“{}” is featured on the home page.", product.title))
        }
        Ok(product) => session.flash("success", format!("“{}” is no longer featured.", product.title)),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to(back(!form.hidden.is_empty())).into_response())
}
