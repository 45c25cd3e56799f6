//! Catalog's domain: validated product fields, categories, stock holds and their states, reviews, and the
//! errors of every use case. No SQL and no HTTP here.

pub mod category;
pub mod error;
pub mod hold;
pub mod product;
pub mod review;

pub use category::{Category, CategoryName};
pub use error::CatalogError;
pub use hold::{Hold, HoldRequest, HoldStatus};
pub use product::{Attribute, ProductDraft, ProductStatus};

/// Collects field errors while parsing a form-like input, so one answer names every bad field.
#[derive(Default)]
pub struct Fields(Vec<agora_http::FieldError>);

impl Fields {
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(agora_http::FieldError::new(field, message));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(agora_http::FieldError::new(field, message));
    }

    pub fn finish(self) -> Result<(), CatalogError> {
        if self.0.is_empty() { Ok(()) } else { Err(CatalogError::Invalid(self.0)) }
    }
}

/// Trims `text` and checks its length in characters.
pub(crate) fn bounded_text(text: &str, what: &str, min: usize, max: usize) -> Result<String, String> {
    let text = text.trim();
    let len = text.chars().count();
    if len < min {
        return Err(if min <= 1 { format!("enter a {what}") } else { format!("use at least {min} characters") });
    }
    if len > max {
        return Err(format!("use at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err("remove control characters".to_owned());
    }
    Ok(text.to_owned())
}
