//! The browser harness against a tiny page served here: a real Chromium fills a form, submits it and
//! sees the server's answer.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod form;
