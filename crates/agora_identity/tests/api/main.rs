//! Identity through its REST API, as clients and other services meet it: who may hold which role, which
//! tokens another service accepts, sessions and refresh-token reuse, rate limits, what reaches the logs,
//! and how bad input is answered.
//!
//! Every test starts the real app (port 0, fresh SQLite files) with identity and `probe`, a stand-in for
//! any other service; a few run again on PostgreSQL and Kafka when those are available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod admin;
mod bad_input;
mod harness;
mod jwt;
mod logs;
mod probe;
mod rate_limits;
mod roles;
mod sessions;
mod tokens;
