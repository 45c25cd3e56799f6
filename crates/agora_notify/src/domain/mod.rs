//! Notify's domain: the categories a user can mute, notifications and what the other services' events make
//! of them, money as notifications show it, and the errors of every use case. No SQL and no HTTP here.

pub mod category;
pub mod compose;
pub mod error;
pub mod money;
pub mod notification;

pub use category::{Category, Muted};
pub use error::NotifyError;
pub use notification::{Draft, Notification};
