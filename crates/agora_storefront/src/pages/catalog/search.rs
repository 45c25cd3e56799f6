//! The search page, `/search`: words, a category, a price range, in-stock only and an order; results a page
//! at a time, with category counts to narrow them.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;

use super::listing::{Listing, ListingParams, facets};
use super::results::ListingPage;
use crate::Storefront;
use crate::catalog::flatten;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::render_with;
use crate::session::Session;

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(params): Query<ListingParams>,
    uri: Uri,
) -> Result<Response, PageError> {
    let listing = Listing::parse(params);
    let heading =
        if listing.q.is_empty() { "All products".to_owned() } else { format!("Results for “{}”", listing.q) };
    let mut chrome = Chrome::new(&session, heading.clone(), "/search");
    chrome.search = listing.q.clone();
    let tree = app.catalog.categories().await?;
    let mut page = ListingPage::new(chrome, heading, "/search".to_owned(), listing);
    page.back = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    page.category_options = flatten(&tree);
    let category = page.listing.category.clone();
    let (status, results) = page.run(&app, &session, &category, Some(&category)).await?;
    if let Some(results) = results {
        page.facets = facets(&page.listing, &results.categories);
    }
    Ok(render_with(status, &page))
}
