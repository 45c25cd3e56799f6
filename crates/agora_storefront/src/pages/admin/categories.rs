//! The category tree for admins: create a category under any other, rename or move one (with everything
//! under it), delete an empty one. Catalog's refusals (a name taken among siblings, a move under itself,
//! too deep a tree, a category that still has products) are shown as it words them.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{admin, refusal};
use crate::Storefront;
use crate::catalog::{FlatCategory, flatten};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::auth::Empty;
use crate::pages::{FormErrors, Rejected, path_id, rejected, render_with};
use crate::session::Session;

#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesPage {
    chrome: Chrome,
    categories: Vec<FlatCategory>,
    /// The create form as typed, and its messages.
    form: CategoryForm,
    errors: FormErrors,
    form_error: String,
}

impl CategoriesPage {
    /// The categories `category` may move under: any but itself and its own subcategories.
    fn parents_for<'a>(&'a self, category: &FlatCategory) -> Vec<&'a FlatCategory> {
        self.categories.iter().filter(|c| !c.is_under(category.id)).collect()
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CategoryForm {
    name: String,
    /// Empty for a top-level category.
    parent_id: String,
}

impl CategoryForm {
    fn parent(&self) -> Result<Option<Uuid>, PageError> {
        match self.parent_id.trim() {
            "" => Ok(None),
            id => id.parse().map(Some).map_err(|_| PageError::BadRequest),
        }
    }

    fn parent_is(&self, id: &Uuid) -> bool {
        self.parent_id == id.to_string()
    }
}

async fn page(
    app: &Storefront,
    session: &Session,
    status: StatusCode,
    form: CategoryForm,
    rejected: Option<Rejected>,
) -> Result<Response, PageError> {
    let categories = flatten(&app.catalog.categories().await?);
    let (errors, form_error) = rejected.map(|r| (r.fields, r.message)).unwrap_or_default();
    let chrome = Chrome::new(session, "Categories", "/admin/categories");
    Ok(render_with(status, &CategoriesPage { chrome, categories, form, errors, form_error }))
}

pub async fn categories(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
) -> Result<Response, PageError> {
    admin(&session, &uri)?;
    page(&app, &session, StatusCode::OK, CategoryForm::default(), None).await
}

pub async fn create_category(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    match app.catalog.create_category(&user.access_token, &form.name, form.parent()?).await {
        Ok(category) => {
            session.flash("success", format!("The category “{}” is created.", category.name));
            Ok(Redirect::to("/admin/categories").into_response())
        }
        Err(err) => {
            let rejected = rejected(err)?;
            page(&app, &session, StatusCode::UNPROCESSABLE_ENTITY, form, Some(rejected)).await
        }
    }
}

/// Renames and/or moves a category; a refusal is told in a message above the tree.
pub async fn update_category(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id = path_id(&id)?;
    match app.catalog.update_category(&user.access_token, id, &form.name, form.parent()?).await {
        Ok(category) => session.flash("success", format!("The category “{}” is saved.", category.name)),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to("/admin/categories").into_response())
}

pub async fn delete_category(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let user = admin(&session, &uri)?;
    let id = path_id(&id)?;
    match app.catalog.delete_category(&user.access_token, id).await {
        Ok(()) => session.flash("success", "The category is deleted."),
        Err(err) => session.flash("error", refusal(err)?),
    }
    Ok(Redirect::to("/admin/categories").into_response())
}
