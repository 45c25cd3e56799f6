//! Chat through its REST API, its WebSocket and its events, as buyers, sellers and everyone else meet it:
//! opening one conversation per buyer, seller and product (whatever the concurrency), messages numbered
//! without gaps and pushed live to every socket of both participants and nobody else, history backwards,
//! catch-up forwards and resume after a reconnect, unread counts and read receipts, the rate limit, and the
//! socket's own rules (authentication, its time-out, bad frames).
//!
//! Every test starts the real app (port 0, fresh SQLite files, the embedded log) with identity, catalog and
//! chat; the posting test runs again on PostgreSQL with Kafka when available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod conversations;
mod harness;
mod live;
mod messages;
mod privacy;
mod protocol;
mod socket;
