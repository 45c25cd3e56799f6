//! A page of results with its filter form, as the search page and category pages show it: running the
//! listing's query, and filling in the products, the paging links or what went wrong.

use askama::Template;
use axum::http::StatusCode;

use super::listing::{Facet, Listing, refusal};
use crate::Storefront;
use crate::catalog::{FlatCategory, Product, SearchResults, Sort};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::wishlist::buttons::SavedProducts;
use crate::session::Session;
use uuid::Uuid;

/// A link with its text.
pub struct Link {
    pub name: String,
    pub href: String,
}

/// A page of results with its filter form: the search page, or a category page.
#[derive(Template)]
#[template(path = "catalog/listing.html")]
pub struct ListingPage {
    pub chrome: Chrome,
    pub heading: String,
    /// Where the filter form goes and the links start.
    pub action: String,
    pub listing: Listing,
    /// The category menu of the search page (a category page has none).
    pub category_options: Vec<FlatCategory>,
    /// A category page's breadcrumb (its parents), and its subcategories.
    pub trail: Vec<Link>,
    pub subcategories: Vec<Facet>,
    /// The search page's category links, and the link without a category.
    pub facets: Vec<Facet>,
    pub all_categories: String,
    pub sorts: [Sort; 4],
    /// None when nothing was searched (filters not understood, or catalog refused the query).
    pub total: Option<i64>,
    pub products: Vec<Product>,
    /// What went wrong with the query, shown above the results.
    pub notice: String,
    pub first_page: Option<String>,
    pub next_page: Option<String>,
    /// This page's address, where its "Add to cart" and wishlist forms come back to.
    pub back: String,
    /// Which of the results the visitor saved, for the cards' wishlist buttons.
    pub saved: SavedProducts,
}

impl ListingPage {
    pub fn new(chrome: Chrome, heading: String, action: String, listing: Listing) -> ListingPage {
        ListingPage {
            chrome,
            heading,
            all_categories: listing.href("/search", None),
            action,
            listing,
            category_options: Vec::new(),
            trail: Vec::new(),
            subcategories: Vec::new(),
            facets: Vec::new(),
            sorts: Sort::ALL,
            total: None,
            products: Vec::new(),
            notice: String::new(),
            first_page: None,
            next_page: None,
            back: String::new(),
            saved: SavedProducts::NoButtons,
        }
    }

    pub fn total_label(&self) -> String {
        match self.total {
            Some(1) => "1 product".to_owned(),
            Some(n) => format!("{n} products"),
            None => String::new(),
        }
    }

    pub fn category_selected(&self, slug: &str) -> bool {
        self.listing.category == slug
    }

    /// Runs the listing's query in `category` (a slug, or empty) and fills in the results, which of them
    /// the `session`'s visitor saved (one wishlist call), the paging links, or the reason there are none; `scope` is the category the links carry in their query (the
    /// search page's), if any. The status to answer with comes back, and the results' category counts.
    pub async fn run(
        &mut self,
        app: &Storefront,
        session: &Session,
        category: &str,
        scope: Option<&str>,
    ) -> Result<(StatusCode, Option<SearchResults>), PageError> {
        let Some(query) = self.listing.query(category) else {
            self.notice = "Some filters need attention: see the messages next to them.".to_owned();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, None));
        };
        let mut results = match app.catalog.search(&query).await {
            Ok(results) => results,
            Err(err) => {
                let (status, notice) = refusal(err)?;
                self.notice = notice;
                self.first_page = Some(self.listing.href(&self.action, scope));
                return Ok((status, None));
            }
        };
        self.total = Some(results.total);
        if !self.listing.cursor.is_empty() {
            self.first_page = Some(self.listing.href(&self.action, scope));
        }
        self.next_page =
            results.next_cursor.as_deref().map(|cursor| self.listing.href_with_cursor(&self.action, scope, cursor));
        self.products = std::mem::take(&mut results.items);
        let ids: Vec<Uuid> = self.products.iter().map(|p| p.id).collect();
        self.saved = SavedProducts::load(app, session, &ids, &self.back).await;
        Ok((StatusCode::OK, Some(results)))
    }
}
