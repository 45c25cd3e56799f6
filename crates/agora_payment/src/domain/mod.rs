//! Payment's domain: payments and their attempts, the payment state machine, card details as a buyer sends
//! them, and the errors of every use case. No SQL and no HTTP here.

pub mod card;
pub mod error;
pub mod payment;
pub mod refund;
pub mod status;

pub use card::{AttemptInput, Card, PaymentMethod};
pub use error::PaymentError;
pub use payment::{Attempt, AttemptStatus, Payment, RefundReason};
pub use refund::ShareRefused;
pub use status::{CancelOutcome, Completion, OrderRefund, PaymentStatus};

/// Collects field errors while parsing input, so one answer names every bad field.
#[derive(Default)]
pub struct Fields(Vec<agora_http::FieldError>);

impl Fields {
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(agora_http::FieldError::new(field, message));
    }

    pub fn finish(self) -> Result<(), PaymentError> {
        if self.0.is_empty() { Ok(()) } else { Err(PaymentError::Invalid(self.0)) }
    }
}
