//! The browser harness against a tiny page served here: a real Chromium fills a form, submits it and
//! sees the server's answer, and a wait that fails says where and what the page showed.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod failures;
mod form;
mod page;
