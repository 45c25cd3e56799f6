//! Searching and browsing products for sale.

use reqwest::Method;

use super::CatalogClient;
use super::views::SearchResults;
use agora_http::client::ClientError;

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Newest, Sort::PriceAsc, Sort::PriceDesc];

    /// The API's and the page's name of the order.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What the sort menu says.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::Newest => "Newest first",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
        }
    }
}

/// A search as catalog takes it: prices in minor units, a category by slug.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub q: String,
    pub category: String,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    /// Only products admins feature.
    pub featured: bool,
    pub sort: Option<Sort>,
    pub cursor: String,
    pub limit: Option<u32>,
}

impl SearchQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let texts = [("q", self.q.trim()), ("category", self.category.as_str()), ("cursor", self.cursor.as_str())];
        for (name, value) in texts {
            if !value.is_empty() {
                pairs.push((name, value.to_owned()));
            }
        }
        for (name, value) in [("min_price", self.min_price), ("max_price", self.max_price)] {
            if let Some(value) = value {
                pairs.push((name, value.to_string()));
            }
        }
        if self.in_stock {
            pairs.push(("in_stock", "true".to_owned()));
        }
        if self.featured {
            pairs.push(("featured", "true".to_owned()));
        }
        if let Some(sort) = self.sort {
            pairs.push(("sort", sort.as_str().to_owned()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        pairs
    }
}

impl CatalogClient {
    /// One page of products for sale matching `query`, with counts per category.
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchResults, ClientError> {
        self.api.send(self.api.request(Method::GET, "/products", None).query(&query.pairs())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filters_that_are_set_are_sent() {
        let query = SearchQuery {
            q: "  tea ".into(),
            min_price: Some(0),
            in_stock: true,
            sort: Some(Sort::PriceAsc),
            ..SearchQuery::default()
        };
        let expected = [("q", "tea"), ("min_price", "0"), ("in_stock", "true"), ("sort", "price_asc")];
        assert_eq!(query.pairs(), expected.map(|(k, v)| (k, v.to_owned())));
    }

    #[test]
    fn sort_names_round_trip() {
        for sort in Sort::ALL {
            assert_eq!(Sort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(Sort::parse("cheapest"), None);
    }
}
