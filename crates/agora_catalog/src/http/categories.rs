//! The category tree: read by everyone, changed by admins.

use agora_http::{Caller, JsonBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;

use crate::app::{Catalog, CategoryInput, CategoryNode};
use crate::domain::CatalogError;

#[utoipa::path(get, path = "/categories", tag = "categories",
    responses((status = 200, description = "The whole tree, siblings by name", body = Vec<CategoryNode>)))]
pub async fn tree(State(catalog): State<Catalog>) -> Result<Json<Vec<CategoryNode>>, CatalogError> {
    Ok(Json(catalog.category_tree().await?))
}

fn node(c: crate::domain::Category) -> CategoryNode {
    CategoryNode { id: c.id, parent_id: c.parent_id, name: c.name, slug: c.slug, children: Vec::new() }
}

#[utoipa::path(post, path = "/categories", tag = "categories", request_body = CategoryInput,
    responses((status = 201, description = "Created", body = CategoryNode), super::Invalid, super::Unauthenticated, super::Forbidden, super::Conflict),
    security(("bearer" = [])))]
pub async fn create(
    State(catalog): State<Catalog>,
    caller: Caller,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<(StatusCode, Json<CategoryNode>), CatalogError> {
    Ok((StatusCode::CREATED, Json(node(catalog.create_category(&caller, &input).await?))))
}

#[utoipa::path(put, path = "/categories/{id}", tag = "categories", request_body = CategoryInput, params(("id" = Uuid, Path, description = "Category id")),
    responses((status = 200, description = "Renamed and/or moved with its subtree", body = CategoryNode), super::Invalid, super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn update(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<Json<CategoryNode>, CatalogError> {
    Ok(Json(node(catalog.update_category(&caller, id, &input).await?)))
}

#[utoipa::path(delete, path = "/categories/{id}", tag = "categories", params(("id" = Uuid, Path, description = "Category id")),
    responses((status = 204, description = "Deleted"), super::Unauthenticated, super::Forbidden, super::NotFound, super::Conflict),
    security(("bearer" = [])))]
pub async fn remove(
    State(catalog): State<Catalog>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, CatalogError> {
    catalog.delete_category(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
