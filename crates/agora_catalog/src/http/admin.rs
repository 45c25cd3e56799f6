//! Moderation: admins list, hide (with a reason the seller is told), show and feature any product.

use agora_core::{Cursor, Page, PageSize};
use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use uuid::Uuid;

use super::products::PageParams;
use crate::app::{Catalog, ProductView};
use crate::domain::CatalogError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HiddenFilter {
    /// Only hidden products.
    hidden: Option<bool>,
}

#[utoipa::path(get, path = "/admin/products", tag = "moderation", params(HiddenFilter, PageParams),
    responses((status = 200, description = "Products newest first, hidden ones included", body = Page<ProductView>), super::Unauthenticated, super::Forbidden),
    security(("bearer" = [])))]
pub async fn list(
    State(catalog): State<Catalog>,
    caller: Caller,
    Query(filter): Query<HiddenFilter>,
    Query(page): Query<PageParams>,
) -> Result<Json<Page<ProductView>>, CatalogError> {
    let cursor = page.cursor.map(Cursor::from);
    let size = PageSize::clamp(page.limit);
    Ok(Json(catalog.products_for_admin(&caller, filter.hidden.unwrap_or(false), cursor.as_ref(), size).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideBody {
    /// Shown to the seller.
    reason: String,
}

#[utoipa::path(post, path = "/admin/products/{id}/hide", tag = "moderation", request_body = HideBody, params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "Hidden; only an admin can show it again", body = ProductView), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn hide(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<HideBody>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.moderate(&caller, id, true, &body.reason).await?))
}

#[utoipa::path(post, path = "/admin/products/{id}/show", tag = "moderation", params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "For sale again", body = ProductView), super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn show(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.moderate(&caller, id, false, "").await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureBody {
    featured: bool,
}

#[utoipa::path(post, path = "/admin/products/{id}/feature", tag = "moderation", request_body = FeatureBody, params(("id" = Uuid, Path, description = "Product id")),
    responses((status = 200, description = "Featured on the home page, or not", body = ProductView), super::Unauthenticated, super::Forbidden, super::NotFound),
    security(("bearer" = [])))]
pub async fn feature(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(body): JsonBody<FeatureBody>,
) -> Result<Json<ProductView>, CatalogError> {
    Ok(Json(catalog.feature(&caller, id, body.featured).await?))
}
