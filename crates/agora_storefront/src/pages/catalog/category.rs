//! A category page, `/c/{slug}`: where it sits in the tree, its subcategories with how many products each
//! holds, and the same results and filters as the search page, within the category.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;

use super::listing::{Facet, Listing, ListingParams};
use super::results::{Link, ListingPage};
use crate::Storefront;
use crate::catalog::{find_by_slug, flatten};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::render_with;
use crate::session::Session;

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(slug): Path<String>,
    Query(params): Query<ListingParams>,
    uri: Uri,
) -> Result<Response, PageError> {
    let tree = app.catalog.categories().await?;
    let node = find_by_slug(&tree, &slug).ok_or(PageError::NotFound)?;
    let flat = flatten(&tree);
    let path = flat.iter().find(|c| c.id == node.id).map(|c| c.path.clone()).unwrap_or_default();
    let trail: Vec<Link> = path
        .iter()
        .filter(|id| **id != node.id)
        .filter_map(|id| flat.iter().find(|c| c.id == *id))
        .map(|c| Link { name: c.name.clone(), href: format!("/c/{}", c.slug) })
        .collect();

    let mut listing = Listing::parse(params);
    listing.category.clear();
    let base = format!("/c/{}", node.slug);
    let mut chrome = Chrome::new(&session, node.name.clone(), &base);
    chrome.search = listing.q.clone();
    let mut page = ListingPage::new(chrome, node.name.clone(), base, listing);
    page.back = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    page.trail = trail;
    let (status, results) = page.run(&app, &session, &node.slug, None).await?;
    let counts = results.map(|r| r.categories).unwrap_or_default();
    page.subcategories = node
        .children
        .iter()
        .map(|child| Facet {
            name: child.name.clone(),
            href: page.listing.href(&format!("/c/{}", child.slug), None),
            count: counts.iter().find(|c| c.id == child.id).map_or(0, |c| c.count),
            depth: 0,
            current: false,
        })
        .collect();
    Ok(render_with(status, &page))
}
