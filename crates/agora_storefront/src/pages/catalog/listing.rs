//! What the search page and a category page share: the filters as typed (prices in major units, checked
//! here), the catalog query they make, links that keep the filters (next page, first page, a category),
//! and what to say when catalog refuses the query.

use serde::Deserialize;

use crate::catalog::{CategoryCount, SearchQuery, Sort};
use crate::error::PageError;
use crate::pages::FormErrors;
use crate::price;
use agora_http::client::ClientError;

/// Results per page.
const PAGE_SIZE: u32 = 24;

/// The filters in the page's address, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListingParams {
    pub q: String,
    pub category: String,
    pub min: String,
    pub max: String,
    pub in_stock: String,
    pub sort: String,
    pub cursor: String,
}

/// The filters of a listing, checked, with what the form shows again.
#[derive(Debug)]
pub struct Listing {
    pub q: String,
    /// A category slug (search page only; a category page has it in its path).
    pub category: String,
    pub min: String,
    pub max: String,
    pub in_stock: bool,
    pub sort: Option<Sort>,
    pub cursor: String,
    /// Messages for the price fields.
    pub errors: FormErrors,
    min_price: Option<i64>,
    max_price: Option<i64>,
}

impl Listing {
    pub fn parse(params: ListingParams) -> Listing {
        let mut errors = FormErrors::default();
        let mut price = |field: &str, text: &str| match price::parse_major(text) {
            Ok(minor) => minor,
            Err(err) => {
                errors.insert(field, err.to_string());
                None
            }
        };
        let min_price = price("min", &params.min);
        let max_price = price("max", &params.max);
        if let (Some(min), Some(max)) = (min_price, max_price)
            && min > max
        {
            errors.insert("max", "The highest price must not be below the lowest.");
        }
        Listing {
            q: params.q.trim().to_owned(),
            category: params.category.trim().to_owned(),
            min: params.min.trim().to_owned(),
            max: params.max.trim().to_owned(),
            in_stock: !params.in_stock.is_empty(),
            sort: Sort::parse(&params.sort),
            cursor: params.cursor,
            errors,
            min_price,
            max_price,
        }
    }

    /// The catalog query in `category` (a slug, or empty for all), unless a filter was not understood.
    pub fn query(&self, category: &str) -> Option<SearchQuery> {
        self.errors.is_empty().then(|| SearchQuery {
            q: self.q.clone(),
            category: category.to_owned(),
            min_price: self.min_price,
            max_price: self.max_price,
            in_stock: self.in_stock,
            sort: self.sort,
            cursor: self.cursor.clone(),
            limit: Some(PAGE_SIZE),
            featured: false,
        })
    }

    /// The order the results are in: the chosen one, else best match for words and newest without.
    pub fn effective_sort(&self) -> Sort {
        match self.sort {
            Some(Sort::Relevance) | None if self.q.is_empty() => Sort::Newest,
            Some(sort) => sort,
            None => Sort::Relevance,
        }
    }

    pub fn sort_is(&self, sort: &Sort) -> bool {
        self.effective_sort() == *sort
    }

    /// `base` with the filters (and the category slug if `category` is given), but no cursor.
    pub fn href(&self, base: &str, category: Option<&str>) -> String {
        self.href_with_cursor(base, category, "")
    }

    pub fn href_with_cursor(&self, base: &str, category: Option<&str>, cursor: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let sort = self.sort.map(Sort::as_str).unwrap_or("");
        let in_stock = if self.in_stock { "1" } else { "" };
        let fields = [
            ("q", self.q.as_str()),
            ("category", category.unwrap_or("")),
            ("min", self.min.as_str()),
            ("max", self.max.as_str()),
            ("in_stock", in_stock),
            ("sort", sort),
            ("cursor", cursor),
        ];
        pairs.extend(fields.into_iter().filter(|(_, value)| !value.is_empty()));
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("{base}?{query}"),
            _ => base.to_owned(),
        }
    }
}

/// What catalog's refusal of a listing means for the visitor: a message on the page and its status, or an
/// error page.
pub fn refusal(err: ClientError) -> Result<(axum::http::StatusCode, String), PageError> {
    use axum::http::StatusCode;
    match err.code() {
        Some("bad_cursor") => Ok((
            StatusCode::BAD_REQUEST,
            "This page of results is no longer available. Start again from the first page.".to_owned(),
        )),
        Some("category_not_found") => {
            Ok((StatusCode::NOT_FOUND, "There is no such category any more. Search all categories instead.".to_owned()))
        }
        Some("invalid_input") => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, "Some filters are not valid. Check them and try again.".to_owned()))
        }
        _ => Err(err.into()),
    }
}

/// A category to narrow the results to, with how many of them it holds.
#[derive(Debug, Clone)]
pub struct Facet {
    pub name: String,
    pub href: String,
    pub count: i64,
    pub depth: usize,
    pub current: bool,
}

/// The search page's category links: top-level categories, and the subcategories along the chosen one's
/// path (counts as catalog gives them, parents before children).
pub fn facets(listing: &Listing, counts: &[CategoryCount]) -> Vec<Facet> {
    let chosen = counts.iter().find(|c| c.slug == listing.category);
    let mut open = Vec::new();
    let mut next = chosen;
    while let Some(category) = next {
        open.push(category.id);
        next = category.parent_id.and_then(|parent| counts.iter().find(|c| c.id == parent));
    }
    let depth_of = |category: &CategoryCount| {
        let mut depth = 0;
        let mut parent = category.parent_id;
        while let Some(id) = parent {
            depth += 1;
            parent = counts.iter().find(|c| c.id == id).and_then(|c| c.parent_id);
            if depth > 16 {
                break;
            }
        }
        depth
    };
    counts
        .iter()
        .filter(|c| c.parent_id.is_none_or(|parent| open.contains(&parent)))
        .map(|c| Facet {
            name: c.name.clone(),
            href: listing.href("/search", Some(&c.slug)),
            count: c.count,
            depth: depth_of(c),
            current: c.slug == listing.category,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(min: &str, max: &str) -> ListingParams {
        ListingParams { q: " tea ".into(), min: min.into(), max: max.into(), ..ListingParams::default() }
    }

    #[test]
    fn typed_prices_become_minor_units_in_the_query() {
        let listing = Listing::parse(params("2.50", "10"));
        let query = listing.query("green").unwrap();
        assert_eq!((query.min_price, query.max_price), (Some(250), Some(1000)));
        assert_eq!(query.q, "tea");
        assert_eq!(query.category, "green");
    }

    #[test]
    fn prices_that_are_not_understood_stop_the_query_with_a_message() {
        let listing = Listing::parse(params("cheap", "5"));
        assert!(listing.query("").is_none());
        assert_eq!(listing.errors.get("min"), "Enter a price in numbers, like 12.50.");
        let reversed = Listing::parse(params("9", "5"));
        assert!(reversed.errors.get("max").contains("must not be below"));
    }

    #[test]
    fn links_keep_the_filters_and_drop_the_cursor_unless_asked() {
        let mut listing = Listing::parse(ListingParams {
            q: "black tea".into(),
            in_stock: "1".into(),
            sort: "price_asc".into(),
            cursor: "abc".into(),
            ..ListingParams::default()
        });
        assert_eq!(
            listing.href("/search", Some("teas")),
            "/search?q=black+tea&category=teas&in_stock=1&sort=price_asc"
        );
        assert_eq!(
            listing.href_with_cursor("/c/teas", None, "n&1"),
            "/c/teas?q=black+tea&in_stock=1&sort=price_asc&cursor=n%261"
        );
        listing.q.clear();
        listing.sort = None;
        listing.in_stock = false;
        assert_eq!(listing.href("/search", None), "/search");
        assert_eq!(listing.effective_sort(), Sort::Newest);
    }
}
