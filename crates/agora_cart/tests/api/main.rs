//! Cart through its REST API, as storefronts and buyers meet it — lines and their limits, prices that change
//! under a cart, visitors' carts merged on sign-in, catalog outages, paid checkouts — on both stores (the
//! SQL database and Redis), and the store's contract on every backend.
//!
//! Every API test starts the real app (port 0, fresh SQLite files, the embedded log) with identity, catalog
//! and cart, once with carts in the cart database and once in Redis (`AGORA_TEST_REDIS_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod events;
mod guests;
mod harness;
mod lines;
mod outage;
mod prices;
mod store;
