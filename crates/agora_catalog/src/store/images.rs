//! Which images a product has, in order. The pictures themselves live in the media store.

use agora_core::Timestamp;
use agora_media::StoredImage;
use sqlx::AnyConnection;
use uuid::Uuid;

use super::uuid;
use crate::domain::CatalogError;

#[derive(Debug, Clone, PartialEq)]
pub struct ProductImage {
    pub id: Uuid,
    pub product_id: Uuid,
    pub position: i64,
    pub stored: StoredImage,
}

type ImageRow = (String, String, i64, String, String, i64, i64, String);

fn image(row: ImageRow) -> Result<ProductImage, CatalogError> {
    let (id, product_id, position, key, thumb_key, width, height, content_type) = row;
    Ok(ProductImage {
        id: uuid(&id)?,
        product_id: uuid(&product_id)?,
        position,
        stored: StoredImage {
            key,
            thumb_key,
            width: u32::try_from(width).unwrap_or(0),
            height: u32::try_from(height).unwrap_or(0),
            content_type,
        },
    })
}

const COLUMNS: &str = "id, product_id, position, image_key, thumb_key, width, height, content_type";

/// Adds an image after the product's last one.
pub async fn insert(
    conn: &mut AnyConnection,
    id: Uuid,
    product_id: Uuid,
    stored: &StoredImage,
) -> Result<ProductImage, CatalogError> {
    let (position,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(position), 0) + 1 FROM product_images WHERE product_id = $1")
            .bind(product_id.to_string())
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(&format!(
        "INSERT INTO product_images ({COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(id.to_string())
    .bind(product_id.to_string())
    .bind(position)
    .bind(&stored.key)
    .bind(&stored.thumb_key)
    .bind(i64::from(stored.width))
    .bind(i64::from(stored.height))
    .bind(&stored.content_type)
    .bind(Timestamp::now().as_micros())
    .execute(conn)
    .await?;
    Ok(ProductImage { id, product_id, position, stored: stored.clone() })
}

/// The images of these products, each product's in order.
pub async fn of_products(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<Vec<ProductImage>, CatalogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM product_images WHERE product_id IN ({}) ORDER BY product_id, position",
        super::placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, ImageRow>(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    query.fetch_all(conn).await?.into_iter().map(image).collect()
}

pub async fn delete(
    conn: &mut AnyConnection,
    product_id: Uuid,
    image_id: Uuid,
) -> Result<Option<ProductImage>, CatalogError> {
    let row: Option<ImageRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM product_images WHERE id = $1 AND product_id = $2"))
            .bind(image_id.to_string())
            .bind(product_id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("DELETE FROM product_images WHERE id = $1").bind(image_id.to_string()).execute(conn).await?;
    image(row).map(Some)
}

/// Whether another product image still uses this stored picture (keys are content-addressed, so two
/// products may share one).
pub async fn key_in_use(conn: &mut AnyConnection, key: &str) -> Result<bool, CatalogError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM product_images WHERE image_key = $1 LIMIT 1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}
