//! The bus conformance suite: the same scenarios on the embedded log with SQLite and on a real
//! Kafka-protocol broker with PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod support;

mod dead_letters;
mod delivery;
mod follow;
mod outage;
mod storage;
