//! The notify service's API, against the real app.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly where it unwraps")]
