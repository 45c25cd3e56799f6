//! The storefront over HTTP (forms, sessions, CSRF, error pages, catalog pages) and in a real browser (the
//! journeys).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod browser;
mod catalog;
mod forms;
mod selling;
mod support;
