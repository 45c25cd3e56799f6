//! The category tree.

use agora_core::Timestamp;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::{unique_or, uuid};
use crate::domain::{CatalogError, Category};

type CategoryRow = (String, Option<String>, String, String, String, i64);

fn category(row: CategoryRow) -> Result<Category, CatalogError> {
    let (id, parent_id, name, slug, path, created_at) = row;
    Ok(Category {
        id: uuid(&id)?,
        parent_id: parent_id.as_deref().map(uuid).transpose()?,
        name,
        slug,
        path,
        created_at: Timestamp::from_micros(created_at),
    })
}

const COLUMNS: &str = "id, parent_id, name, slug, path, created_at";

/// Every category, parents before children, siblings by name.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<Category>, CatalogError> {
    let rows: Vec<CategoryRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM categories ORDER BY path")).fetch_all(conn).await?;
    let mut all: Vec<Category> = rows.into_iter().map(category).collect::<Result<_, _>>()?;
    all.sort_by(|a, b| a.depth().cmp(&b.depth()).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
    Ok(all)
}

pub async fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Category>, CatalogError> {
    let row: Option<CategoryRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM categories WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(category).transpose()
}

pub async fn find_by_slug(conn: &mut AnyConnection, slug: &str) -> Result<Option<Category>, CatalogError> {
    let row: Option<CategoryRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM categories WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    row.map(category).transpose()
}

pub async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<bool, CatalogError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM categories WHERE slug = $1").bind(slug).fetch_optional(conn).await?;
    Ok(row.is_some())
}

/// A new category; [`CatalogError::CategoryNameTaken`] when a sibling has the same name.
pub async fn insert(conn: &mut AnyConnection, c: &Category, name_key: &str) -> Result<(), CatalogError> {
    let result = sqlx::query(
        "INSERT INTO categories (id, parent_id, name, name_key, slug, path, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.id.to_string())
    .bind(c.parent_id.map(|p| p.to_string()))
    .bind(&c.name)
    .bind(name_key)
    .bind(&c.slug)
    .bind(&c.path)
    .bind(c.created_at.as_micros())
    .execute(conn)
    .await;
    unique_or(result, CatalogError::CategoryNameTaken).map(|_| ())
}

/// Renames and/or moves a category; the paths of its whole subtree follow.
pub async fn update(
    conn: &mut AnyConnection,
    c: &Category,
    name_key: &str,
    old_path: &str,
) -> Result<(), CatalogError> {
    let result = sqlx::query("UPDATE categories SET parent_id = $1, name = $2, name_key = $3 WHERE id = $4")
        .bind(c.parent_id.map(|p| p.to_string()))
        .bind(&c.name)
        .bind(name_key)
        .bind(c.id.to_string())
        .execute(&mut *conn)
        .await;
    unique_or(result, CatalogError::CategoryNameTaken)?;
    if old_path != c.path {
        // Prefix replacement: every path in the subtree starts with old_path.
        sqlx::query("UPDATE categories SET path = $1 || SUBSTR(path, $2) WHERE path LIKE $3")
            .bind(&c.path)
            // An INTEGER, as PostgreSQL's substr(text, integer) wants.
            .bind(
                i32::try_from(old_path.len() + 1)
                    .map_err(|_| CatalogError::CategoryTooDeep(crate::domain::category::MAX_DEPTH))?,
            )
            .bind(format!("{old_path}%"))
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: Uuid) -> Result<(), CatalogError> {
    sqlx::query("DELETE FROM categories WHERE id = $1").bind(id.to_string()).execute(conn).await?;
    Ok(())
}

pub async fn has_children(conn: &mut AnyConnection, id: Uuid) -> Result<bool, CatalogError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM categories WHERE parent_id = $1 LIMIT 1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Whether any product, deleted ones included (they keep their history), is in the category.
pub async fn has_products(conn: &mut AnyConnection, id: Uuid) -> Result<bool, CatalogError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM products WHERE category_id = $1 LIMIT 1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}
