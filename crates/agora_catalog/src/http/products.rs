//! Searching, reading and sellers' own products.

use agora_core::{Cursor, Page, PageSize};
use agora_http::{Caller, JsonBody, Role};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::{Catalog, ProductView, SearchParams, SearchResults};
use crate::cache::CachedProduct;
use crate::domain::CatalogError;
use crate::domain::product::ProductInput;

#[utoipa::path(get, path = "/products", tag = "products", params(SearchParams),
    responses((status = 200, description = "One page of products for sale", body = SearchResults), super::Invalid, super::NotFound))]
pub async fn search(
    State(catalog): State<Catalog>,
    Query(params): Query<SearchParams>,
) -> Result<Response, CatalogError> {
    let key = format!("{params:?}");
    let json = catalog.cache.search_or(key, async { to_json(&catalog.search(&params).await?) }).await?;
    Ok(json_response(json))
}

#[utoipa::path(get, path = "/products/{id}", tag = "products", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "The product (hidden ones only to their seller and admins)", body = ProductView), super::NotFound))]
pub async fn get_one(
    State(catalog): State<Catalog>,
    caller: Option<Caller>,
    Path(id): Path<Uuid>,
) -> Result<Response, CatalogError> {
    // The public view serves everyone but the product's seller and admins, who see more.
    let public = |seller_id: Uuid| caller.as_ref().is_none_or(|c| c.user_id != seller_id && !c.has(Role::Admin));
    let Some(viewer) = caller.as_ref() else {
        let load = async {
            let view = catalog.product(None, id).await?;
            Ok(CachedProduct { seller_id: view.seller.id, json: to_json(&view)? })
        };
        return Ok(json_response(catalog.cache.product_or(id, load).await?.json));
    };
    if let Some(hit) = catalog.cache.product(id).await
        && public(hit.seller_id)
    {
        return Ok(json_response(hit.json));
    }
    let view = catalog.product(Some(viewer), id).await?;
    let json = to_json(&view)?;
    if public(view.seller.id) {
        catalog.cache.keep_product(id, CachedProduct { seller_id: view.seller.id, json: json.clone() }).await;
    }
    Ok(json_response(json))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Bytes, CatalogError> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| CatalogError::Internal(format!("serializing: {e}")))
}

fn json_response(json: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], json).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchParams {
    /// Up to 100 product ids, comma-separated.
    ids: String,
}

#[utoipa::path(get, path = "/products/batch", tag = "products", params(BatchParams),
    responses((status = 200, description = "The products for sale among those asked for, in the order asked", body = Vec<ProductView>), super::Invalid))]
pub async fn batch(
    State(catalog): State<Catalog>,
    Query(params): Query<BatchParams>,
) -> Result<Json<Vec<ProductView>>, CatalogError> {
    let ids: Result<Vec<Uuid>, _> =
        params.ids.split(',').filter(|s| !s.trim().is_empty()).map(|s| Uuid::parse_str(s.trim())).collect();
    let ids = ids.map_err(|_| CatalogError::field("ids", "give product ids separated by commas"))?;
    if ids.len() > 100 {
        return Err(CatalogError::field("ids", "ask for at most 100 products at once"));
    }
    Ok(Json(catalog.products(&ids).await?))
}

#[utoipa::path(post, path = "/products", tag = "products", request_body = ProductInput,
    responses((status = 201, description = "Listed; the caller is the seller", body = ProductView), super::Invalid, super::Unauthenticated, super::Forbidden),
    security(("bearer" = [])))]
pub async fn create(
    State(catalog): State<Catalog>,
    caller: Caller,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<(StatusCode, Json<ProductView>), CatalogError> {
    Ok((StatusCode::CREATED, Json(catalog.create_product(&caller, &input).await?)))
}

#[utoipa::path(put, path = "/products/{id}", tag = "products", request_body = ProductInput, params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "Updated", body = ProductView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn update(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.update_product(&caller, id, &input).await?))
}

#[utoipa::path(delete, path = "/products/{id}", tag = "products", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 204, description = "Deleted (kept for past orders)"), super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn remove(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, CatalogError> {
    catalog.delete_product(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/products/{id}/hide", tag = "products", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "Off sale", body = ProductView), super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn hide(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.set_hidden(&caller, id, true).await?))
}

#[utoipa::path(post, path = "/products/{id}/show", tag = "products", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "For sale again", body = ProductView), super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn show(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.set_hidden(&caller, id, false).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/me/products", tag = "products", params(PageParams),
    responses((status = 200, description = "The caller's products, newest first, hidden ones included", body = Page<ProductView>), super::Unauthenticated, super::Forbidden),
    security(("bearer" = [])))]
pub async fn mine(
    State(catalog): State<Catalog>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> Result<Json<Page<ProductView>>, CatalogError> {
    let cursor = page.cursor.map(Cursor::from);
    Ok(Json(catalog.my_products(&caller, cursor.as_ref(), PageSize::clamp(page.limit)).await?))
}
