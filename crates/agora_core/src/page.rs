//! Cursor pagination with a bounded page size.
//!
//! A cursor is an opaque, URL-safe token wrapping whatever key the list is ordered by (for most lists
//! the last row's UUIDv7, which is time-ordered). Clients never build cursors themselves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A validated page size between 1 and [`PageSize::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSize {
    pub const DEFAULT: u32 = 20;
    pub const MAX: u32 = 100;

    /// `None` gives the default; values outside 1..=MAX are clamped into range.
    pub fn clamp(requested: Option<u32>) -> Self {
        PageSize(requested.unwrap_or(Self::DEFAULT).clamp(1, Self::MAX))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The number of rows to fetch: one more than the page, to learn whether another page exists.
    pub fn fetch_limit(self) -> i64 {
        i64::from(self.0) + 1
    }
}

/// The cursor was not one this server issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the page cursor is malformed")]
pub struct CursorError;

/// An opaque continuation token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    pub fn encode<K: Serialize>(key: &K) -> Cursor {
        let json = serde_json::to_vec(key).unwrap_or_default();
        Cursor(URL_SAFE_NO_PAD.encode(json))
    }

    pub fn decode<K: DeserializeOwned>(&self) -> Result<K, CursorError> {
        let bytes = URL_SAFE_NO_PAD.decode(&self.0).map_err(|_| CursorError)?;
        serde_json::from_slice(&bytes).map_err(|_| CursorError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Cursor {
    fn from(value: String) -> Self {
        Cursor(value)
    }
}

/// One page of a list and the cursor of the next page, if any.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `size + 1` fetched rows; `key` gives the cursor key of the last item.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, size: PageSize, key: impl Fn(&T) -> K) -> Page<T> {
        let limit = size.get() as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more { rows.last().map(|last| Cursor::encode(&key(last))) } else { None };
        Page { items: rows, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_has_a_cursor_only_when_more_rows_exist() {
        let size = PageSize::clamp(Some(2));
        let page = Page::from_rows(vec![1, 2, 3], size, |n| *n);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.unwrap().decode::<i32>().unwrap(), 2);
        assert!(Page::from_rows(vec![1, 2], size, |n| *n).next_cursor.is_none());
    }

    #[test]
    fn page_sizes_are_bounded_and_bad_cursors_rejected() {
        assert_eq!(PageSize::clamp(Some(10_000)).get(), PageSize::MAX);
        assert_eq!(PageSize::clamp(Some(0)).get(), 1);
        assert_eq!(PageSize::clamp(None).get(), PageSize::DEFAULT);
        assert_eq!(Cursor::from("!!".to_owned()).decode::<i32>(), Err(CursorError));
    }
}
