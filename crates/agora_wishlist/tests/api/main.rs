//! Wishlist through its REST API and its events, as buyers and the notify service meet it: saving (once,
//! whatever the concurrency, at catalog's price, up to the cap), listing with catalog's current details or
//! without them while catalog is down, and price-drop and back-in-stock alerts, once per watching buyer.
//!
//! Every test starts the real app (port 0, fresh SQLite files, the embedded log) with identity, catalog and
//! wishlist; the alert fan-out and the idempotent save run again on PostgreSQL with Kafka when available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod alerts;
mod harness;
mod items;
mod outage;
