//! Order's domain: checkout and order states with their transitions, shipping addresses, and errors. No
//! SQL, no HTTP.

pub mod address;
pub mod error;
pub mod fulfilment;
pub mod status;

pub use address::{Address, AddressInput};
pub use error::OrderError;
pub use fulfilment::{Actor, CancelInput, OrderAction, OrderRequest, OrderStatus, ShipInput};
pub use status::{CheckoutStatus, CheckoutStep, Move};
