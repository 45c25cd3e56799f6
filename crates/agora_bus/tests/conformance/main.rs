//! The bus conformance suite: the same scenarios on the embedded log with SQLite and on a real
//! Kafka-protocol broker with PostgreSQL.

mod support;

mod dead_letters;
mod delivery;
mod outage;
mod storage;
