//! The storefront over HTTP (forms, sessions, CSRF, error pages, catalog pages, the cart, checking out and
//! paying, orders, fulfilment and refunds, reviews, the seller overview, the wishlist, messages and
//! notifications, what the live script needs) and in a real browser (the journeys, and live chat and
//! notifications).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod browser;
mod browser_after_sale;
mod browser_live;
mod buying;
mod catalog;
mod checkout;
mod forms;
mod fulfilment;
mod live;
mod market;
mod messages;
mod notifications;
mod overview;
mod reviews;
mod selling;
mod support;
mod wishlist;
