//! Wishlist's domain: saved items, the alerts a buyer wants, lists of product ids, and the errors of every
//! use case. No SQL and no HTTP here.

pub mod error;
pub mod ids;
pub mod item;

pub use error::WishlistError;
pub use ids::ProductIds;
pub use item::{Alerts, KnownProduct, ProductStatus, SavedItem};
