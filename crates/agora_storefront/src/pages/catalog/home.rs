//! The home page: new products, the ones admins feature, and the categories to browse. It still renders,
//! without products, when catalog does not answer.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::Storefront;
use crate::catalog::{CategoryCount, Product, SearchQuery, Sort};
use crate::chrome::Chrome;
use crate::pages::render;
use crate::pages::wishlist::buttons::SavedProducts;
use crate::session::Session;

/// Products in "New in" and in "Featured".
const SHOWN: u32 = 8;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    signed_in: bool,
    is_seller: bool,
    featured: Vec<Product>,
    newest: Vec<Product>,
    /// Top-level categories with products, and how many.
    categories: Vec<CategoryCount>,
    catalog_down: bool,
    /// The home page's cards have no buttons (its rendering is the same for everyone).
    saved: SavedProducts,
}

pub async fn show(State(app): State<Storefront>, Extension(session): Extension<Session>) -> Response {
    let user = session.user();
    let newest = SearchQuery { sort: Some(Sort::Newest), limit: Some(SHOWN), ..SearchQuery::default() };
    let featured = SearchQuery { featured: true, ..newest.clone() };
    let (newest, featured) = tokio::join!(app.catalog.search(&newest), app.catalog.search(&featured));
    let (newest, categories, featured, catalog_down) = match (newest, featured) {
        (Ok(newest), Ok(featured)) => (newest.items, newest.categories, featured.items, false),
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!(error = %err, "the home page is shown without products");
            (Vec::new(), Vec::new(), Vec::new(), true)
        }
    };
    render(&HomePage {
        chrome: Chrome::new(&session, "Welcome", "/"),
        signed_in: user.is_some(),
        is_seller: user.is_some_and(|u| u.has("seller")),
        featured,
        newest,
        categories: categories.into_iter().filter(|c| c.parent_id.is_none()).collect(),
        catalog_down,
        saved: SavedProducts::NoButtons,
    })
}
