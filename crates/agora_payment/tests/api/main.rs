//! Payment service tests, against the real app.
