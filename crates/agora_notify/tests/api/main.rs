//! Notify through its REST API, its socket and its events, as buyers, sellers and the storefront meet it:
//! every source's events become the right notifications for the right users (once, whatever redelivers
//! them; none for a muted category), pages, unread counts and read marks, live pushes that reach only their
//! recipient's sockets and a catch-up after reconnecting, and email over SMTP (off by default, retried until
//! the relay is back).
//!
//! Every test starts the real app (port 0, fresh SQLite files, the embedded log) with identity and notify;
//! a feeder publishes the other services' events. The consume → inbox → socket path and redelivery run again
//! on PostgreSQL with Kafka when available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod email;
mod events;
mod harness;
mod inbox;
mod live;
mod smtp;
mod socket;
mod store;
