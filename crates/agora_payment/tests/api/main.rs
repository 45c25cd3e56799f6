//! Payment through its REST API, its events and its webhooks, as buyers, order and the provider meet it:
//! payments created once from order's events, cards that succeed, decline or complete later, the browser
//! return racing the webhook, forged and replayed webhooks, other buyers, cancellations and refunds of
//! whole checkouts and of single orders, and the Stripe-compatible adapter against a fake Stripe.
//!
//! Every test starts the real app (port 0, fresh SQLite files, the embedded log) with identity, payment,
//! a feeder standing in for order, and a probe of payment's events; the race and the orders' refunds run
//! again on PostgreSQL when it is available.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]

mod access;
mod cancel;
mod creation;
mod fake_stripe;
mod feeder;
mod harness;
mod order_refunds;
mod paying;
mod race;
mod restart;
mod stripe;
mod stripe_refunds;
mod webhooks;
