//! Identity's domain: parsed values, accounts, seller applications and their rules — no SQL, no HTTP.

pub mod application;
pub mod email;
pub mod error;
pub mod password;
pub mod user;

pub use application::{ApplicationStatus, SellerApplication, ShopName};
pub use email::Email;
pub use error::IdentityError;
pub use password::Password;
pub use user::{DisplayName, RoleSet, User, UserStatus};
