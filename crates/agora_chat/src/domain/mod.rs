//! Chat's domain: conversations and their participants, messages and their bodies, and the errors of every
//! use case. No SQL and no HTTP here.

pub mod conversation;
pub mod error;
pub mod message;

pub use conversation::{Conversation, Side};
pub use error::ChatError;
pub use message::{Message, MessageBody};
