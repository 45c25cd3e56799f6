//! The platform end to end: a service added by writing only its own parts, the HTTP plumbing, the binary,
//! and the generated schemas.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod admin_cli;
mod binary;
mod cluster;
mod dashboard;
mod deploy;
mod journey;
mod live;
mod notes;
mod plumbing;
mod restarts;
mod schemas;
mod service;
