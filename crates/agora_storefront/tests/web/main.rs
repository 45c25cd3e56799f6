//! The storefront over HTTP (forms, sessions, CSRF, error pages, catalog pages, the cart, checking out and
//! paying, orders) and in a real browser (the journeys).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod browser;
mod buying;
mod catalog;
mod checkout;
mod forms;
mod market;
mod selling;
mod support;
