//! A product page, `/p/{id}`: its pictures (a main one chosen by a plain link, so no script is needed),
//! price, stock, shop, category trail, attributes and description. Hidden products exist only for their
//! seller and admins; everyone else gets the not-found page.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::Storefront;
use crate::catalog::{Image, Product};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::render;
use crate::session::Session;

#[derive(Template)]
#[template(path = "catalog/product.html")]
struct ProductPage {
    chrome: Chrome,
    product: Product,
    /// Index of the picture shown large.
    selected: usize,
    /// The visitor is the product's seller.
    is_owner: bool,
}

impl ProductPage {
    fn main_image(&self) -> Option<&Image> {
        self.product.images.get(self.selected).or(self.product.images.first())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GalleryQuery {
    /// Which picture to show large (from 0); anything else shows the first.
    image: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Query(gallery): Query<GalleryQuery>,
) -> Result<Response, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    let user = session.user();
    let selected: usize = gallery.image.parse().unwrap_or(0);
    // A visitor without a session, on the first picture, gets the page every such visitor gets.
    if session.is_blank() && selected == 0 {
        let public = app.catalog.public_product(id).await?;
        if let Some(html) = public.page.get() {
            return Ok(Html(html.clone()).into_response());
        }
        let page = ProductPage::new(&session, public.product.clone(), 0, false);
        let html = Bytes::from(page.render().map_err(|e| PageError::Internal(format!("template failed: {e}")))?);
        let _ = public.page.set(html.clone());
        return Ok(Html(html).into_response());
    }
    let product = app.catalog.product(user.as_ref().map(|u| u.access_token.as_str()), id).await?;
    let is_owner = user.is_some_and(|u| u.user_id == product.seller.id);
    let selected = if selected < product.images.len() { selected } else { 0 };
    Ok(render(&ProductPage::new(&session, product, selected, is_owner)))
}

impl ProductPage {
    fn new(session: &Session, product: Product, selected: usize, is_owner: bool) -> ProductPage {
        let path = format!("/p/{}", product.id);
        ProductPage { chrome: Chrome::new(session, product.title.clone(), &path), product, selected, is_owner }
    }
}
