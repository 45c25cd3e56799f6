//! Reviews: what a buyer of a delivered order writes about a product (stars and words), the seller's one
//! reply, and an admin's reason for removing one. Text is kept as written — escaping it is the job of
//! whoever renders it — but bounded, with line breaks made `\n` and other control characters refused.

use serde::Deserialize;

use super::{CatalogError, Fields};

pub const MAX_BODY: usize = 4000;
pub const MAX_REPLY: usize = 2000;
pub const MAX_REASON: usize = 500;

/// What a buyer sends to post or edit a review.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// 1 to 5 stars.
    pub rating: i64,
    /// 1 to 4000 characters (trimmed); line breaks are kept.
    pub body: String,
}

/// What a seller sends to answer a review.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// 1 to 2000 characters (trimmed).
    pub body: String,
}

/// Why an admin removes a review (optional; kept with it and sent in `review_removed`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RemoveInput {
    /// At most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A validated review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    pub rating: i64,
    pub body: String,
}

impl ReviewDraft {
    /// Checks every field at once.
    pub fn parse(input: &ReviewInput) -> Result<ReviewDraft, CatalogError> {
        let mut fields = Fields::default();
        if !(1..=5).contains(&input.rating) {
            fields.push("rating", "give 1 to 5 stars");
        }
        let body = fields.check("body", review_text(&input.body, MAX_BODY));
        fields.finish()?;
        let body = body.ok_or_else(|| CatalogError::Internal("validated review body missing".into()))?;
        Ok(ReviewDraft { rating: input.rating, body })
    }
}

/// A reply's text.
pub fn reply_text(input: &ReplyInput) -> Result<String, CatalogError> {
    review_text(&input.body, MAX_REPLY).map_err(|m| CatalogError::field("body", m))
}

/// A removal's reason: `None` when absent or blank.
pub fn removal_reason(input: &RemoveInput) -> Result<Option<String>, CatalogError> {
    match input.reason.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(reason) => review_text(reason, MAX_REASON).map(Some).map_err(|m| CatalogError::field("reason", m)),
    }
}

/// Trimmed text of 1 to `max` characters: line breaks become `\n`, tabs spaces; any other control
/// character is refused.
pub fn review_text(text: &str, max: usize) -> Result<String, String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', " ");
    let text = text.trim();
    let len = text.chars().count();
    if len == 0 {
        return Err("write something".to_owned());
    }
    if len > max {
        return Err(format!("use at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("remove control characters".to_owned());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_text_keeps_markup_and_line_breaks_and_refuses_other_control_characters() {
        assert_eq!(review_text("  <b>Good</b>\r\nTea\tcup ", 100).unwrap(), "<b>Good</b>\nTea cup");
        assert_eq!(review_text("a\u{0}b", 100).unwrap_err(), "remove control characters");
        assert_eq!(review_text(" \n ", 100).unwrap_err(), "write something");
        assert!(review_text(&"é".repeat(101), 100).is_err());
        assert!(review_text(&"é".repeat(100), 100).is_ok());
    }

    #[test]
    fn every_bad_review_field_is_named() {
        let input = ReviewInput { rating: 6, body: "   ".into() };
        let CatalogError::Invalid(fields) = ReviewDraft::parse(&input).unwrap_err() else { panic!() };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["rating", "body"]);
    }

    #[test]
    fn a_blank_removal_reason_is_none() {
        assert_eq!(removal_reason(&RemoveInput { reason: Some("  ".into()) }).unwrap(), None);
        assert_eq!(removal_reason(&RemoveInput { reason: Some(" spam ".into()) }).unwrap().as_deref(), Some("spam"));
    }
}
