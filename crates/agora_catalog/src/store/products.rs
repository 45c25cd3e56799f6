//! Products: rows in, rows out. Stock columns change only through [`super::stock`].

use agora_core::{Currency, Money, Timestamp};
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::{Attribute, CatalogError, ProductStatus};

/// A product as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: Uuid,
    pub seller_id: Uuid,
    pub title: String,
    pub description: String,
    pub price: Money,
    pub category_id: Uuid,
    pub attributes: Vec<Attribute>,
    pub status: ProductStatus,
    pub hidden_by_admin: bool,
    pub hidden_reason: Option<String>,
    pub featured: bool,
    pub available: i64,
    pub held: i64,
    pub sold: i64,
    pub low_stock_threshold: i64,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub(crate) const COLUMNS: &str = "p.id, p.seller_id, p.title, p.description, p.price_minor, p.currency, \
    p.category_id, p.attributes, p.status, p.hidden_by_admin, p.hidden_reason, p.featured, p.available, p.held, \
    p.sold, p.low_stock_threshold, p.version, p.created_at, p.updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ProductRow {
    id: String,
    seller_id: String,
    title: String,
    description: String,
    price_minor: i64,
    currency: String,
    category_id: String,
    attributes: String,
    status: String,
    hidden_by_admin: i64,
    hidden_reason: Option<String>,
    featured: i64,
    available: i64,
    held: i64,
    sold: i64,
    low_stock_threshold: i64,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ProductRow> for Product {
    type Error = CatalogError;
    fn try_from(row: ProductRow) -> Result<Product, CatalogError> {
        let bad = |what: &str| CatalogError::Internal(format!("stored product {}: bad {what}", row.id));
        Ok(Product {
            id: uuid(&row.id)?,
            seller_id: uuid(&row.seller_id)?,
            price: Money {
                amount_minor: row.price_minor,
                currency: Currency::parse(&row.currency).map_err(|_| bad("currency"))?,
            },
            category_id: uuid(&row.category_id)?,
            attributes: serde_json::from_str(&row.attributes).map_err(|_| bad("attributes"))?,
            status: ProductStatus::parse(&row.status).ok_or_else(|| bad("status"))?,
            hidden_by_admin: row.hidden_by_admin != 0,
            hidden_reason: row.hidden_reason,
            featured: row.featured != 0,
            available: row.available,
            held: row.held,
            sold: row.sold,
            low_stock_threshold: row.low_stock_threshold,
            version: row.version,
            created_at: Timestamp::from_micros(row.created_at),
            updated_at: Timestamp::from_micros(row.updated_at),
            title: row.title,
            description: row.description,
        })
    }
}

pub(crate) fn rows(rows: Vec<ProductRow>) -> Result<Vec<Product>, CatalogError> {
    rows.into_iter().map(Product::try_from).collect()
}

fn attributes_json(attributes: &[Attribute]) -> String {
    serde_json::to_string(attributes).unwrap_or_else(|_| "[]".to_owned())
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds what a seller or an admin edits, in the column order both statements below use.
fn bind_editable<'q>(query: AnyQuery<'q>, p: &'q Product) -> AnyQuery<'q> {
    query
        .bind(&p.title)
        .bind(&p.description)
        .bind(p.price.amount_minor)
        .bind(p.price.currency.as_str().to_owned())
        .bind(p.category_id.to_string())
        .bind(attributes_json(&p.attributes))
        .bind(p.status.as_str())
        .bind(i64::from(p.hidden_by_admin))
        .bind(p.hidden_reason.clone())
        .bind(i64::from(p.featured))
}

pub async fn insert(conn: &mut AnyConnection, p: &Product) -> Result<(), CatalogError> {
    let query = sqlx::query(
        "INSERT INTO products (id, seller_id, title, description, price_minor, currency, category_id, attributes, \
         status, hidden_by_admin, hidden_reason, featured, available, held, sold, low_stock_threshold, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(p.id.to_string())
    .bind(p.seller_id.to_string());
    bind_editable(query, p)
        .bind(p.available)
        .bind(p.held)
        .bind(p.sold)
        .bind(p.low_stock_threshold)
        .bind(p.version)
        .bind(p.created_at.as_micros())
        .bind(p.updated_at.as_micros())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Product>, CatalogError> {
    let row: Option<ProductRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM products p WHERE p.id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(Product::try_from).transpose()
}

/// The product, locked for the rest of the transaction (a no-op write takes the row lock on PostgreSQL;
/// SQLite transactions already hold the database's write lock). Deleted products count as absent.
pub async fn get_for_update(conn: &mut AnyConnection, id: Uuid) -> Result<Product, CatalogError> {
    sqlx::query("UPDATE products SET version = version WHERE id = $1").bind(id.to_string()).execute(&mut *conn).await?;
    find(conn, id).await?.filter(|p| p.status != ProductStatus::Deleted).ok_or(CatalogError::ProductNotFound)
}

pub async fn find_many(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<Vec<Product>, CatalogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {COLUMNS} FROM products p WHERE p.id IN ({})", super::placeholders(1, ids.len()));
    let mut query = sqlx::query_as::<_, ProductRow>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    rows(query.fetch_all(conn).await?)
}

/// Writes every field except stock, with the version the caller set (it holds the row lock).
pub async fn update(conn: &mut AnyConnection, p: &Product) -> Result<(), CatalogError> {
    let query = sqlx::query(
        "UPDATE products SET title = $1, description = $2, price_minor = $3, currency = $4, category_id = $5, \
         attributes = $6, status = $7, hidden_by_admin = $8, hidden_reason = $9, featured = $10, \
         low_stock_threshold = $11, version = $12, updated_at = $13 WHERE id = $14",
    );
    bind_editable(query, p)
        .bind(p.low_stock_threshold)
        .bind(p.version)
        .bind(p.updated_at.as_micros())
        .bind(p.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Which products a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// A seller's products (deleted ones aside).
    OfSeller(Uuid),
    /// Every product but deleted ones, for moderation.
    All,
    /// Hidden products only.
    Hidden,
}

/// Products newest first; `after` is the (creation time, id) of the previous page's last row.
pub async fn list(
    conn: &mut AnyConnection,
    listing: Listing,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<Vec<Product>, CatalogError> {
    let (created, id) = after.unwrap_or((i64::MAX, "~".to_owned()));
    let filter = match listing {
        Listing::OfSeller(_) => "p.seller_id = $4 AND p.status <> 'deleted'",
        Listing::All => "p.status <> 'deleted'",
        Listing::Hidden => "p.status = 'hidden'",
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM products p WHERE {filter} \
         AND (p.created_at < $1 OR (p.created_at = $1 AND p.id < $2)) \
         ORDER BY p.created_at DESC, p.id DESC LIMIT $3"
    );
    let mut query = sqlx::query_as::<_, ProductRow>(&sql).bind(created).bind(id).bind(limit);
    if let Listing::OfSeller(seller) = listing {
        query = query.bind(seller.to_string());
    }
    rows(query.fetch_all(conn).await?)
}
