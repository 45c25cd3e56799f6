//! The seller's product list (stock available, held and sold; status), and the actions on one product:
//! hide, show, and delete after a confirmation page.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};

use super::{own_product, seller};
use crate::Storefront;
use crate::catalog::Product;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::auth::Empty;
use crate::pages::paging::{PageQuery, next_link};
use crate::pages::{capitalise, path_id, render};
use crate::session::Session;

#[derive(Template)]
#[template(path = "seller/products.html")]
struct ProductsPage {
    chrome: Chrome,
    products: Vec<Product>,
    first_page: Option<String>,
    next_page: Option<String>,
}

pub async fn list(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let page = app.catalog.my_products(&user.access_token, &query.cursor).await?;
    Ok(render(&ProductsPage {
        chrome: Chrome::new(&session, "Your products", "/sell/products"),
        products: page.items,
        first_page: (!query.cursor.is_empty()).then(|| "/sell/products".to_owned()),
        next_page: next_link("/sell/products", &[], page.next_cursor),
    }))
}

/// Takes a product off sale or puts it back. A product an admin hid stays hidden, with the admin's reason.
pub async fn set_hidden(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let hidden = match action.as_str() {
        "hide" => true,
        "show" => false,
        _ => return Err(PageError::NotFound),
    };
    match app.catalog.set_hidden(&user.access_token, id, hidden).await {
        Ok(product) if hidden => session.flash("success", format!("“{}” is hidden from buyers.", product.title)),
        Ok(product) => session.flash("success", format!("“{}” is for sale again.", product.title)),
        Err(err) if err.code() == Some("hidden_by_admin") => session
            .flash("error", format!("{} Only an administrator can put it back on sale.", capitalise(&err.to_string()))),
        Err(err) => return Err(err.into()),
    }
    Ok(Redirect::to("/sell/products").into_response())
}

#[derive(Template)]
#[template(path = "seller/delete.html")]
struct DeletePage {
    chrome: Chrome,
    product: Product,
}

/// Asks before deleting: deleting cannot be undone.
pub async fn confirm_delete(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let product = own_product(&app, &user, path_id(&id)?).await?;
    let path = format!("/sell/products/{}/delete", product.id);
    Ok(render(&DeletePage { chrome: Chrome::new(&session, "Delete a product", &path), product }))
}

pub async fn delete(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    app.catalog.delete_product(&user.access_token, path_id(&id)?).await?;
    session.flash("success", "The product is deleted. Past orders still show it.");
    Ok(Redirect::to("/sell/products").into_response())
}
