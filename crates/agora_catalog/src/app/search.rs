//! Searching and browsing the products for sale.

use std::collections::HashMap;

use agora_core::{Cursor, PageSize};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Catalog;
use super::views::ProductView;
use crate::domain::{CatalogError, Category, Fields};
use crate::store::search::{self, Filters, Sort, SortKey};

/// A search, as the query string gives it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to look for in titles and descriptions.
    pub q: Option<String>,
    /// A category's slug: products in it and in its subcategories.
    pub category: Option<String>,
    /// Lowest and highest price, in minor units.
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only this seller's products.
    pub seller: Option<Uuid>,
    /// Only products with units available.
    pub in_stock: Option<bool>,
    /// Only products an admin features on the home page.
    pub featured: Option<bool>,
    /// `relevance` (the default with words), `newest` (the default without), `price_asc`, `price_desc`.
    #[param(value_type = Option<String>)]
    pub sort: Option<Sort>,
    pub cursor: Option<String>,
    /// Products per page (1–100, default 24).
    pub limit: Option<u32>,
}

/// How many products of the current search are in a category (its subcategories included).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryCount {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub items: Vec<ProductView>,
    pub next_cursor: Option<Cursor>,
    /// Products matching the search in all.
    pub total: i64,
    /// The order used.
    pub sort: Sort,
    /// Counts per category for the search without its category filter, parents before children.
    pub categories: Vec<CategoryCount>,
}

const DEFAULT_LIMIT: u32 = 24;

impl Catalog {
    pub async fn search(&self, params: &SearchParams) -> Result<SearchResults, CatalogError> {
        let mut fields = Fields::default();
        if params.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            fields.push("q", "use at most 200 characters");
        }
        for (name, value) in [("min_price", params.min_price), ("max_price", params.max_price)] {
            if value.is_some_and(|v| v < 0) {
                fields.push(name, "a price cannot be negative");
            }
        }
        if let (Some(min), Some(max)) = (params.min_price, params.max_price)
            && min > max
        {
            fields.push("max_price", "the highest price must not be below the lowest");
        }
        fields.finish()?;

        let words = params.q.as_deref().map(search::words).unwrap_or_default();
        let sort = match params.sort {
            Some(Sort::Relevance) | None if !words.is_empty() => Sort::Relevance,
            Some(Sort::Relevance) | None => Sort::Newest,
            Some(other) => other,
        };
        let after = match &params.cursor {
            Some(c) => {
                let key: SortKey = Cursor::from(c.clone()).decode().map_err(|_| CatalogError::BadCursor)?;
                if key.sort != sort {
                    return Err(CatalogError::BadCursor);
                }
                Some(key)
            }
            None => None,
        };
        let size = PageSize::clamp(Some(params.limit.unwrap_or(DEFAULT_LIMIT)));

        let mut conn = self.db.pool().acquire().await?;
        let tree = self.tree(&mut conn).await?;
        let category = match &params.category {
            Some(slug) if !slug.is_empty() => {
                Some(tree.iter().find(|c| &c.slug == slug).ok_or(CatalogError::CategoryNotFound)?.clone())
            }
            _ => None,
        };
        let filters = Filters {
            words,
            category_path: category.as_ref().map(|c| c.path.clone()),
            min_price: params.min_price,
            max_price: params.max_price,
            seller_id: params.seller,
            in_stock: params.in_stock.unwrap_or(false),
            featured: params.featured.unwrap_or(false),
        };
        let mut hits = search::search(&mut conn, &filters, sort, after.as_ref(), size.fetch_limit()).await?;
        let more = hits.len() > size.get() as usize;
        hits.truncate(size.get() as usize);
        let next_cursor = if more { hits.last().map(|h| Cursor::encode(&SortKey::of(sort, h))) } else { None };
        let counts = search::category_counts(&mut conn, &filters).await?;
        let categories = roll_up(&tree, &counts);
        let total = match &category {
            Some(c) => categories.iter().find(|cc| cc.id == c.id).map_or(0, |cc| cc.count),
            None => counts.iter().map(|(_, n)| n).sum(),
        };
        let items = self.views(&mut conn, hits.into_iter().map(|h| h.product).collect(), None).await?;
        Ok(SearchResults { items, next_cursor, total, sort, categories })
    }
}

/// Adds each category's direct count to it and to every ancestor; keeps categories with products.
fn roll_up(tree: &[Category], direct: &[(Uuid, i64)]) -> Vec<CategoryCount> {
    let mut totals: HashMap<Uuid, i64> = HashMap::new();
    let by_id: HashMap<Uuid, &Category> = tree.iter().map(|c| (c.id, c)).collect();
    for (id, n) in direct {
        let Some(c) = by_id.get(id) else { continue };
        for ancestor in c.path.split('/').filter_map(|part| Uuid::parse_str(part).ok()) {
            *totals.entry(ancestor).or_default() += n;
        }
    }
    tree.iter()
        .filter_map(|c| {
            totals.get(&c.id).map(|&count| CategoryCount {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name.clone(),
                slug: c.slug.clone(),
                count,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_core::Timestamp;

    fn category(id: u128, parent: Option<&Category>) -> Category {
        let id = Uuid::from_u128(id);
        Category {
            id,
            parent_id: parent.map(|p| p.id),
            name: format!("c{id}"),
            slug: format!("c{id}"),
            path: Category::child_path(parent, id),
            created_at: Timestamp::now(),
        }
    }

    #[test]
    fn a_category_counts_its_subcategories_products() {
        let root = category(1, None);
        let child = category(2, Some(&root));
        let other = category(3, None);
        let counts = roll_up(&[root.clone(), child.clone(), other], &[(child.id, 2), (root.id, 1)]);
        let of = |id| counts.iter().find(|c| c.id == id).map(|c| c.count);
        assert_eq!(of(root.id), Some(3));
        assert_eq!(of(child.id), Some(2));
        assert_eq!(counts.len(), 2);
    }
}
