//! The storefront over HTTP (forms, sessions, CSRF, error pages) and in a real browser (the journey).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod browser;
mod forms;
mod support;
