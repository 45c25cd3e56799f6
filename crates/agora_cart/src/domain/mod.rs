//! Cart's domain: whose cart it is, its lines and their quantities, and the errors of every use case. No
//! SQL, no Redis and no HTTP here.

pub mod cart;
pub mod error;
pub mod owner;
pub mod quantity;

pub use cart::{Cart, CartLine, LineDetails};
pub use error::CartError;
pub use owner::{CartKey, CartOwner, GuestToken};
pub use quantity::Quantity;
