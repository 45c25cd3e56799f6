//! What catalog answers, as the pages read it: products, their stock and pictures, search results and the
//! category tree. Unknown fields are ignored and unknown states read as `Other`, so a newer catalog does not
//! break the pages.

use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: Uuid,
    pub seller: SellerRef,
    pub title: String,
    pub description: String,
    pub price: Price,
    pub category: CategoryRef,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    pub status: ProductStatus,
    #[serde(default)]
    pub featured: bool,
    pub stock: Stock,
    #[serde(default)]
    pub images: Vec<Image>,
    /// Seller and admins only.
    #[serde(default)]
    pub moderation: Option<Moderation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    Hidden,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SellerRef {
    pub id: Uuid,
    /// Empty until catalog has heard of the seller's approval.
    #[serde(default)]
    pub shop_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Price {
    pub amount_minor: i64,
    /// For display, e.g. "12.50 EUR".
    pub formatted: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CategoryRef {
    pub id: Uuid,
    /// From the root down to this category.
    #[serde(default)]
    pub trail: Vec<Crumb>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Crumb {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockState {
    InStock,
    LowStock,
    SoldOut,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Stock {
    pub available: i64,
    pub state: StockState,
    /// Seller and admins only.
    pub held: Option<i64>,
    pub sold: Option<i64>,
    pub low_stock_threshold: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    pub id: Uuid,
    pub url: String,
    pub thumbnail_url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Moderation {
    pub hidden_by_admin: bool,
    pub hidden_reason: Option<String>,
}

impl Product {
    pub fn is_hidden(&self) -> bool {
        self.status == ProductStatus::Hidden
    }

    pub fn hidden_by_admin(&self) -> bool {
        self.moderation.as_ref().is_some_and(|m| m.hidden_by_admin)
    }

    /// Why an admin hid it, for its seller and admins.
    pub fn hidden_reason(&self) -> &str {
        self.moderation.as_ref().and_then(|m| m.hidden_reason.as_deref()).unwrap_or("")
    }

    /// What a buyer reads about the stock: "In stock", "Only 2 left", "Sold out".
    pub fn stock_label(&self) -> String {
        match self.stock.state {
            StockState::SoldOut => "Sold out".to_owned(),
            StockState::LowStock => format!("Only {} left", self.stock.available),
            StockState::InStock | StockState::Other if self.stock.available > 0 => "In stock".to_owned(),
            StockState::InStock | StockState::Other => "Sold out".to_owned(),
        }
    }

    /// A class name for the stock label's colour.
    pub fn stock_class(&self) -> &'static str {
        match self.stock.state {
            StockState::SoldOut => "stock-out",
            StockState::LowStock => "stock-low",
            StockState::InStock | StockState::Other => "stock-in",
        }
    }

    /// The first picture's thumbnail.
    pub fn thumbnail(&self) -> Option<&Image> {
        self.images.first()
    }

    /// The description as paragraphs (split at blank lines) of lines, for `<p>` and `<br>`.
    pub fn paragraphs(&self) -> Vec<Vec<&str>> {
        paragraphs(&self.description)
    }
}

/// Text someone typed (a description, a review) as paragraphs (split at blank lines) of lines.
pub fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// One page of search results.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchResults {
    pub items: Vec<Product>,
    pub next_cursor: Option<String>,
    pub total: i64,
    /// Counts per category for the search without its category filter, parents before children.
    #[serde(default)]
    pub categories: Vec<CategoryCount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CategoryCount {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub count: i64,
}

/// A category with its subcategories.
#[derive(Debug, Clone, Deserialize)]
pub struct CategoryNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub children: Vec<CategoryNode>,
}

/// A category in a flattened tree: its depth (0 for a top-level one) tells the indentation.
#[derive(Debug, Clone)]
pub struct FlatCategory {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    pub depth: usize,
    /// Ids from the root down to this category, itself included.
    pub path: Vec<Uuid>,
}

impl FlatCategory {
    /// The name indented by depth with no-break spaces, for an `<option>`.
    pub fn indented(&self) -> String {
        format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(self.depth), self.name)
    }

    pub fn is_child_of(&self, id: &Uuid) -> bool {
        self.parent_id.as_ref() == Some(id)
    }

    /// Whether `id` is this category or one of its ancestors.
    pub fn is_under(&self, id: Uuid) -> bool {
        self.path.contains(&id)
    }
}

/// The tree in display order (each category followed by its subcategories).
pub fn flatten(tree: &[CategoryNode]) -> Vec<FlatCategory> {
    fn walk(nodes: &[CategoryNode], depth: usize, path: &[Uuid], out: &mut Vec<FlatCategory>) {
        for node in nodes {
            let mut own = path.to_vec();
            own.push(node.id);
            out.push(FlatCategory {
                id: node.id,
                parent_id: node.parent_id,
                name: node.name.clone(),
                slug: node.slug.clone(),
                depth,
                path: own.clone(),
            });
            walk(&node.children, depth + 1, &own, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, 0, &[], &mut out);
    out
}

/// The node with `slug`, anywhere in the tree.
pub fn find_by_slug<'a>(tree: &'a [CategoryNode], slug: &str) -> Option<&'a CategoryNode> {
    tree.iter().find_map(|node| if node.slug == slug { Some(node) } else { find_by_slug(&node.children, slug) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(n: u128, parent: Option<u128>, children: Vec<CategoryNode>) -> CategoryNode {
        CategoryNode {
            id: Uuid::from_u128(n),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("c{n}"),
            slug: format!("c{n}"),
            children,
        }
    }

    #[test]
    fn a_flattened_tree_lists_children_after_their_parent_with_depth() {
        let tree = vec![node(1, None, vec![node(2, Some(1), vec![node(3, Some(2), vec![])])]), node(4, None, vec![])];
        let flat = flatten(&tree);
        let names: Vec<(&str, usize)> = flat.iter().map(|c| (c.name.as_str(), c.depth)).collect();
        assert_eq!(names, [("c1", 0), ("c2", 1), ("c3", 2), ("c4", 0)]);
        assert!(flat[2].is_under(Uuid::from_u128(1)));
        assert!(!flat[3].is_under(Uuid::from_u128(1)));
        assert_eq!(find_by_slug(&tree, "c3").map(|c| c.id), Some(Uuid::from_u128(3)));
    }
}
