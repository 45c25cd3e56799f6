//! The storefront over HTTP (forms, sessions, CSRF, error pages, catalog pages, the cart, checking out and
//! paying, orders, fulfilment and refunds, reviews, the seller overview, the wishlist) and in a real browser
//! (the journeys).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod browser;
mod browser_after_sale;
mod buying;
mod catalog;
mod checkout;
mod forms;
mod fulfilment;
mod market;
mod overview;
mod reviews;
mod selling;
mod support;
mod wishlist;
