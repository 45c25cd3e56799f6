//! Uploading, removing and serving product pictures.

use agora_http::Caller;
use agora_media::MediaError;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::app::{Catalog, ProductView};
use crate::domain::CatalogError;

/// The picture is the raw request body (any content type: the content itself is checked).
#[utoipa::path(post, path = "/products/{id}/images", tag = "images", params(("id" = Uuid, Path, description = "Product id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A JPEG, PNG, WebP or GIF picture"),
    responses((status = 201, description = "Added after the product's other pictures", body = ProductView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn upload(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<(StatusCode, Json<ProductView>), CatalogError> {
    let limit = catalog.settings.media.max_upload_bytes;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| CatalogError::Image(MediaError::TooLarge { limit_bytes: limit }))?;
    Ok((StatusCode::CREATED, Json(catalog.add_image(&caller, id, bytes).await?)))
}

#[utoipa::path(delete, path = "/products/{id}/images/{image_id}", tag = "images",
    params(("id" = Uuid, Path, description = "Product id"), ("image_id" = Uuid, Path, description = "Image id")),
    responses((status = 200, description = "Removed", body = ProductView), super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn remove(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path((id, image_id)): Path<(Uuid, Uuid)>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.remove_image(&caller, id, image_id).await?))
}

/// Keys name their content (a hash of the upload), so a picture never changes under its key: browsers
/// and CDNs may keep it for a year, and an `If-None-Match` is answered without reading it.
#[utoipa::path(get, path = "/images/{key}", tag = "images", params(("key" = String, Path, description = "Image key from a product's `images`")),
    responses((status = 200, description = "The picture", content_type = "image/jpeg"), (status = 304, description = "Not modified"), super::NotFound))]
pub async fn serve(
    State(catalog): State<Catalog>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, CatalogError> {
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    let etag = HeaderValue::from_str(&format!("\"{key}\"")).map_err(|_| CatalogError::ImageNotFound)?;
    if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::CACHE_CONTROL, cache), (header::ETAG, etag)]).into_response());
    }
    let object = catalog.image(&key).await?;
    let mut response = object.bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(object.content_type));
    h.insert(header::CACHE_CONTROL, cache);
    h.insert(header::ETAG, etag);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(response)
}
