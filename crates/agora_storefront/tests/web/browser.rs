//! The browser journey.
