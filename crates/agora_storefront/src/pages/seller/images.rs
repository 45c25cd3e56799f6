//! A product's pictures: uploading one (a `multipart/form-data` form, the only route that accepts a body
//! as large as a picture; its bytes go to catalog as they came, and catalog decides what they are) and
//! removing one.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::edit::{FormState, form_page};
use super::form::{ProductForm, readable_size};
use super::{own_product, seller};
use crate::Storefront;
use crate::error::PageError;
use crate::form::{CSRF_FIELD, CsrfForm};
use crate::pages::auth::Empty;
use crate::pages::{capitalise, path_id};
use crate::session::Session;
use agora_http::client::ClientError;

/// Room for the form's other fields and the multipart framing, on top of the picture.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    csrf: String,
    picture: Option<Bytes>,
    /// Set when the picture was larger than allowed.
    too_large: bool,
}

async fn read_upload(mut multipart: Multipart, limit: usize) -> Result<Upload, PageError> {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                upload.too_large = true;
                break;
            }
            Err(err) => {
                tracing::info!(error = %err, "an unreadable upload form");
                return Err(PageError::BadRequest);
            }
        };
        match field.name() {
            Some(CSRF_FIELD) => upload.csrf = field.text().await.map_err(|_| PageError::BadRequest)?,
            Some("image") => match read_limited(field, limit).await? {
                Some(bytes) => upload.picture = Some(bytes),
                None => {
                    upload.too_large = true;
                    break;
                }
            },
            _ => {}
        }
    }
    Ok(upload)
}

/// The field's bytes, or `None` once they pass `limit`.
async fn read_limited(mut field: Field<'_>, limit: usize) -> Result<Option<Bytes>, PageError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > limit {
                    return Ok(None);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Some(Bytes::from(bytes))),
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(None),
            Err(err) => {
                tracing::info!(error = %err, "an upload broke off");
                return Err(PageError::BadRequest);
            }
        }
    }
}

pub async fn upload(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let multipart = multipart.map_err(|_| PageError::BadRequest)?;
    let upload = read_upload(multipart, app.max_upload_bytes).await?;
    let image_error = if upload.too_large {
        // The rest of the form may not have been read; nothing changes, so only the page is shown again.
        format!("The picture is larger than {}; upload a smaller file.", readable_size(app.max_upload_bytes))
    } else {
        if !session.csrf_matches(&upload.csrf) {
            tracing::warn!("an upload posted without a valid CSRF token");
            return Err(PageError::Csrf);
        }
        let picture = upload.picture.unwrap_or_default();
        if picture.is_empty() {
            "Choose a picture to upload.".to_owned()
        } else {
            match app.catalog.add_image(&user.access_token, id, picture).await {
                Ok(_) => {
                    session.flash("success", "The picture is added.");
                    return Ok(Redirect::to(&format!("/sell/products/{id}/edit")).into_response());
                }
                Err(err) => refusal(err)?,
            }
        }
    };
    let product = own_product(&app, &user, id).await?;
    let form = ProductForm::of(&product);
    let state = FormState { image_error, ..FormState::of(Some(product)) };
    let status = if upload.too_large { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::UNPROCESSABLE_ENTITY };
    form_page(&app, &session, status, form, state).await
}

/// What to say next to the upload field when catalog refused the picture.
fn refusal(err: ClientError) -> Result<String, PageError> {
    match err {
        ClientError::Problem(problem) if problem.status == 422 || problem.status == 409 || problem.status == 413 => {
            let message = problem
                .errors
                .iter()
                .find(|e| e.field == "image")
                .map(|e| e.message.clone())
                .or(problem.detail)
                .unwrap_or_else(|| "This picture could not be used".to_owned());
            Ok(capitalise(&message))
        }
        other => Err(other.into()),
    }
}

pub async fn remove(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    uri: Uri,
    Path((id, image_id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let user = seller(&app, &session, &uri).await?;
    let id = path_id(&id)?;
    let image_id = path_id(&image_id)?;
    match app.catalog.remove_image(&user.access_token, id, image_id).await {
        Ok(_) => session.flash("success", "The picture is removed."),
        Err(err) if err.code() == Some("image_not_found") => session.flash("info", "That picture was already removed."),
        Err(err) => return Err(err.into()),
    }
    Ok(Redirect::to(&format!("/sell/products/{id}/edit")).into_response())
}
