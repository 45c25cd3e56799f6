//! The test kit: start the real app on port 0 with fresh databases and a unique topic prefix, for any
//! subset of services, on SQLite or PostgreSQL, on the embedded log or Kafka.
//!
//! The real backends come from the environment the test command sets up:
//! `AGORA_TEST_DATABASE_URL` (a PostgreSQL server URL; each test gets a database of its own) and
//! `AGORA_TEST_KAFKA_BROKERS`. When a backend is missing, a test asking for it is skipped with a message,
//! unless `AGORA_TEST_REQUIRE_BACKENDS=1` (the test command sets it) makes that a failure.

pub mod api;
mod app;
mod backends;
pub mod browser;
pub mod feeder;
pub mod probe;
mod wait;

pub use app::{PATIENT_TIMEOUTS, TestApp, TestAppBuilder};
pub use backends::{
    Backends, Storage, Transport, fresh_postgres_url, kafka_brokers, kafka_properties, require, unique_prefix,
};
pub use browser::Browser;
pub use wait::eventually;
