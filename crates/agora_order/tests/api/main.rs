//! Buying, end to end through the REST APIs of the real app (identity, catalog, cart, order and payment in
//! one process): checkouts from carts, one order per seller, holds that cannot oversell, payments that
//! complete once, and the flow's failure paths (short stock, declined cards, time running out).
//!
//! Every test starts the app on fresh SQLite files and the embedded log; the concurrency tests run again
//! on PostgreSQL with Kafka when those are available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod addresses;
mod checkout;
mod concurrency;
mod fulfilment;
mod harness;
mod traces;
