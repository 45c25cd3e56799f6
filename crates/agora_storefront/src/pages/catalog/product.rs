//! A product page, `/p/{id}`: its pictures (a main one chosen by a plain link, so no script is needed),
//! price, stock, shop, category trail, attributes and description. Hidden products exist only for their
//! seller and admins; everyone else gets the not-found page.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
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
    let product = app.catalog.product(user.as_ref().map(|u| u.access_token.as_str()), id).await?;
    let is_owner = user.is_some_and(|u| u.user_id == product.seller.id);
    let selected = gallery.image.parse().ok().filter(|i| *i < product.images.len()).unwrap_or(0);
    let path = format!("/p/{id}");
    Ok(render(&ProductPage {
        chrome: Chrome::new(&session, product.title.clone(), &path),
        product,
        selected,
        is_owner,
    }))
}
