//! Catalog through its REST API, as sellers, visitors, admins and the order service meet it: who may
//! change which product, stock holds under concurrency, search ranking, filters and paging, uploads, the
//! units of cancelled orders coming back, and reviews.
//!
//! Every test starts the real app (port 0, fresh SQLite files, the embedded log) with identity and catalog;
//! the concurrency tests run again on PostgreSQL when it is available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod categories;
mod events;
mod harness;
mod holds;
mod images;
mod market;
mod products;
mod returns;
mod review_moderation;
mod reviews;
mod search;
