//! Order service tests, against the real app.
