//! Cart service tests, against the real app.
