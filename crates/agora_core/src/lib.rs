//! Agora's shared vocabulary: identifiers, money, error kinds, timestamps and cursor pagination.
//!
//! Nothing in this crate performs I/O; every service and shared crate may depend on it.

pub mod error;
pub mod id;
pub mod money;
pub mod page;
pub mod time;

pub use error::ErrorKind;
pub use id::new_id;
pub use money::{Currency, Money, MoneyError, PriceView};
pub use page::{Cursor, CursorError, Page, PageSize};
pub use time::Timestamp;
