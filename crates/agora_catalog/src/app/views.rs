//! What the API answers about products: one shape for everyone (with the rating of its reviews), with the
//! seller-only numbers (held, sold, threshold, why it was hidden) filled in only for the product's seller
//! and admins.

use std::collections::HashMap;

use agora_core::Timestamp;
use agora_http::Caller;
use serde::Serialize;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::owns_or_admin;
use super::review_views::{self, RatingView};
use crate::domain::{Attribute, CatalogError, Category, ProductStatus};
use crate::store::products::Product;
use crate::store::{images, sellers};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    pub id: Uuid,
    pub seller: SellerRef,
    pub title: String,
    pub description: String,
    pub price: PriceView,
    pub category: CategoryRef,
    pub attributes: Vec<Attribute>,
    /// `active` or `hidden` (hidden products are shown only to their seller and admins).
    #[schema(value_type = String)]
    pub status: ProductStatus,
    pub featured: bool,
    pub stock: StockView,
    pub images: Vec<ImageView>,
    /// The average of the stars of its reviews and how many there are.
    pub rating: RatingView,
    pub version: i64,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
    /// Seller and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation: Option<Moderation>,
}

pub use agora_core::PriceView;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SellerRef {
    pub id: Uuid,
    /// Empty until catalog has heard of the seller's approval.
    pub shop_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryRef {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// From the root down to this category.
    pub trail: Vec<Crumb>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Crumb {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockState {
    InStock,
    LowStock,
    SoldOut,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockView {
    pub available: i64,
    pub state: StockState,
    /// Seller and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sold: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_stock_threshold: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Moderation {
    pub hidden_by_admin: bool,
    pub hidden_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImageView {
    pub id: Uuid,
    /// Path of the display image, e.g. `/api/catalog/images/<key>`.
    pub url: String,
    pub thumbnail_url: String,
    pub width: u32,
    pub height: u32,
}

pub fn image_url(key: &str) -> String {
    format!("/api/catalog/images/{key}")
}

pub fn stock_state(available: i64, threshold: i64) -> StockState {
    if available <= 0 {
        StockState::SoldOut
    } else if available <= threshold {
        StockState::LowStock
    } else {
        StockState::InStock
    }
}

/// The category trail of `id` from the full tree.
pub fn category_ref(all: &[Category], id: Uuid) -> CategoryRef {
    let by_id: HashMap<Uuid, &Category> = all.iter().map(|c| (c.id, c)).collect();
    let mut trail = Vec::new();
    let mut next = Some(id);
    while let Some(cid) = next {
        let Some(c) = by_id.get(&cid) else { break };
        trail.push(Crumb { id: c.id, name: c.name.clone(), slug: c.slug.clone() });
        next = c.parent_id;
        if trail.len() > 16 {
            break;
        }
    }
    trail.reverse();
    let (name, slug) = trail.last().map(|c| (c.name.clone(), c.slug.clone())).unwrap_or_default();
    CategoryRef { id, name, slug, trail }
}

/// Views of `products` in the given order, with their sellers' shop names, categories and images.
pub async fn build(
    conn: &mut AnyConnection,
    tree: &[Category],
    products: Vec<Product>,
    viewer: Option<&Caller>,
) -> Result<Vec<ProductView>, CatalogError> {
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let mut seller_ids: Vec<Uuid> = products.iter().map(|p| p.seller_id).collect();
    seller_ids.sort();
    seller_ids.dedup();
    let shops = sellers::shop_names(conn, &seller_ids).await?;
    let ratings = review_views::ratings(conn, &ids).await?;
    let mut pictures: HashMap<Uuid, Vec<ImageView>> = HashMap::new();
    for image in images::of_products(conn, &ids).await? {
        pictures.entry(image.product_id).or_default().push(ImageView {
            id: image.id,
            url: image_url(&image.stored.key),
            thumbnail_url: image_url(&image.stored.thumb_key),
            width: image.stored.width,
            height: image.stored.height,
        });
    }
    Ok(products
        .into_iter()
        .map(|p| {
            let privileged = viewer.is_some_and(|c| owns_or_admin(c, p.seller_id));
            ProductView {
                id: p.id,
                seller: SellerRef { id: p.seller_id, shop_name: shops.get(&p.seller_id).cloned().unwrap_or_default() },
                category: category_ref(tree, p.category_id),
                images: pictures.remove(&p.id).unwrap_or_default(),
                rating: ratings.get(&p.id).copied().unwrap_or(RatingView { average: None, count: 0 }),
                stock: StockView {
                    available: p.available,
                    state: stock_state(p.available, p.low_stock_threshold),
                    held: privileged.then_some(p.held),
                    sold: privileged.then_some(p.sold),
                    low_stock_threshold: privileged.then_some(p.low_stock_threshold),
                },
                moderation: privileged
                    .then(|| Moderation { hidden_by_admin: p.hidden_by_admin, hidden_reason: p.hidden_reason.clone() }),
                price: p.price.into(),
                title: p.title,
                description: p.description,
                attributes: p.attributes,
                status: p.status,
                featured: p.featured,
                version: p.version,
                created_at: p.created_at,
                updated_at: p.updated_at,
            }
        })
        .collect())
}
