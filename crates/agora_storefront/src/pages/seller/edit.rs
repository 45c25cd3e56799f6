//! Listing a new product and editing one: the form, catalog's answer, and the form again with a message
//! next to each field catalog (or the storefront) did not accept, holding what the seller typed.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::form::{ProductForm, ProductFormPage, readable_size};
use super::{own_product, seller};
use crate::Storefront;
use crate::catalog::{Product, flatten};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{FormErrors, Rejected, path_id, rejected, render_with};
use crate::session::Session;

/// What the page shows besides the form: the product being edited (None for a new one) and messages.
pub struct FormState {
    pub product: Option<Product>,
    pub errors: FormErrors,
    pub form_error: String,
    pub image_error: String,
}

impl FormState {
    pub fn of(product: Option<Product>) -> FormState {
        FormState { product, errors: FormErrors::default(), form_error: String::new(), image_error: String::new() }
    }
}

/// Renders the form page with `status`.
pub async fn form_page(
    app: &Storefront,
    session: &Session,
    status: StatusCode,
    form: ProductForm,
    state: FormState,
) -> Result<Response, PageError> {
    let categories = flatten(&app.catalog.categories().await?);
    let (heading, action, path) = match &state.product {
        Some(product) => (
            format!("Edit “{}”", product.title),
            format!("/sell/products/{}", product.id),
            format!("/sell/products/{}/edit", product.id),
        ),
        None => ("List a new product".to_owned(), "/sell/products".to_owned(), "/sell/products/new".to_owned()),
    };
    let page = ProductFormPage {
        chrome: Chrome::new(session, heading.clone(), &path),
        heading,
        action,
        form,
        errors: state.errors,
        form_error: state.form_error,
        categories,
        currency: app.currency.to_string(),
        product: state.product,
        image_error: state.image_error,
        max_upload: readable_size(app.max_upload_bytes),
    };
    Ok(render_with(status, &page))
}

/// The fields of the form, named as catalog names them.
const FIELDS: [&str; 7] =
    ["title", "description", "price", "category_id", "attributes", "stock", "low_stock_threshold"];

/// A form catalog or the storefront refused, back to the seller with the messages: next to the fields, and
/// above the form for anything catalog says about a field the form does not have.
fn refused(state: &mut FormState, rejected: Rejected) {
    let mut fields = rejected.fields;
    let elsewhere = fields.remove_unknown(&FIELDS);
    state.form_error = if elsewhere.is_empty() { rejected.message } else { elsewhere.join(" ") };
    state.errors = fields;
}

pub async fn new_form(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
) -> Result<Response, PageError> {
    seller(&app, &session, &uri).await?;
    let form = ProductForm { stock: "1".to_owned(), ..ProductForm::default() };
    form_page(&app, &session, StatusCode::OK, form, FormState::of(None)).await
}

pub async fn create(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let mut state = FormState::of(None);
    let input = match form.parse(app.currency) {
        Ok(input) => input,
        Err(errors) => {
            refused(&mut state, Rejected { fields: errors, message: "Please correct the highlighted fields.".into() });
            return form_page(&app, &session, StatusCode::UNPROCESSABLE_ENTITY, form, state).await;
        }
    };
    match app.catalog.create_product(&user.access_token, &input).await {
        Ok(product) => {
            tracing::info!(product.id = %product.id, "a seller listed a product");
            session.flash("success", format!("“{}” is listed. Add pictures below.", product.title));
            Ok(Redirect::to(&format!("/sell/products/{}/edit", product.id)).into_response())
        }
        Err(err) => {
            refused(&mut state, rejected(err)?);
            form_page(&app, &session, StatusCode::UNPROCESSABLE_ENTITY, form, state).await
        }
    }
}

pub async fn edit_form(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let product = own_product(&app, &user, path_id(&id)?).await?;
    let form = ProductForm::of(&product);
    form_page(&app, &session, StatusCode::OK, form, FormState::of(Some(product))).await
}

pub async fn update(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let result = match form.parse(app.currency) {
        Ok(input) => app.catalog.update_product(&user.access_token, id, &input).await.map_err(rejected),
        Err(errors) => Err(Ok(Rejected { fields: errors, message: "Please correct the highlighted fields.".into() })),
    };
    match result {
        Ok(product) => {
            session.flash("success", format!("Your changes to “{}” are saved.", product.title));
            Ok(Redirect::to(&format!("/sell/products/{id}/edit")).into_response())
        }
        Err(rejection) => {
            let rejection = rejection?;
            let mut state = FormState::of(Some(own_product(&app, &user, id).await?));
            refused(&mut state, rejection);
            form_page(&app, &session, StatusCode::UNPROCESSABLE_ENTITY, form, state).await
        }
    }
}
