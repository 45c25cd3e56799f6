//! Path and query parameters, parsed here so that a bad one is a 422 naming its field (or, for a
//! conversation id that cannot be one, the same 404 as any conversation the caller is not in).

use uuid::Uuid;

use crate::domain::ChatError;

/// A conversation id from the path; anything else names no conversation.
pub fn conversation_id(text: &str) -> Result<Uuid, ChatError> {
    Uuid::parse_str(text).map_err(|_| ChatError::ConversationNotFound)
}

/// An optional whole number of at least `min` from the query string.
pub fn number(field: &str, text: Option<&str>, min: i64) -> Result<Option<i64>, ChatError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    match text.parse::<i64>() {
        Ok(n) if n >= min => Ok(Some(n)),
        _ => Err(ChatError::field(field, format!("a whole number of at least {min}"))),
    }
}

/// A page size: at least 1; larger than the most a page holds is the most.
pub fn limit(text: Option<&str>) -> Result<Option<u32>, ChatError> {
    Ok(number("limit", text, 1)?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_and_named() {
        assert_eq!(number("before", Some("12"), 1).unwrap(), Some(12));
        assert_eq!(number("before", None, 1).unwrap(), None);
        assert_eq!(number("before", Some(""), 1).unwrap(), None);
        assert!(matches!(number("before", Some("0"), 1), Err(ChatError::Invalid(f)) if f[0].field == "before"));
        assert!(number("after", Some("x"), 0).is_err());
        assert_eq!(limit(Some("999999999999")).unwrap(), Some(u32::MAX));
        assert!(conversation_id("nope").is_err());
    }
}
