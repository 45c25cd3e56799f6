//! A typed client of payment's REST API: a checkout's payment, an attempt to pay it with the simulated
//! provider's card form, and the browser's return from the provider. Card details pass straight through:
//! they are never kept, logged or shown again.

use std::fmt;
use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use agora_http::client::{ClientError, ServiceClient};

use crate::price::Amount;

/// A checkout's payment as its buyer sees it.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentView {
    pub status: PaymentStatus,
    pub amount: Amount,
    /// After this time no attempt is accepted (RFC 3339).
    #[serde(default)]
    pub pay_by: String,
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// The last failed attempt's reason, until the payment succeeds.
    #[serde(default)]
    pub last_error: Option<PaymentFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    RequiresPayment,
    /// An attempt is at the provider; its webhook or the browser's return completes it.
    Processing,
    Succeeded,
    Cancelled,
    Refunded,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Attempt {
    /// `pending`, `processing`, `succeeded` or `failed`.
    pub outcome: String,
    #[serde(default)]
    pub message: Option<String>,
}

/// Why an attempt failed: `{code, message}`, or only a message.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PaymentFailure {
    Detailed { message: String },
    Text(String),
}

impl PaymentFailure {
    pub fn message(&self) -> &str {
        match self {
            PaymentFailure::Detailed { message } | PaymentFailure::Text(message) => message,
        }
    }
}

impl PaymentView {
    /// What the buyer reads about the last failed attempt, if the payment still needs one.
    pub fn failure(&self) -> Option<String> {
        if self.status != PaymentStatus::RequiresPayment {
            return None;
        }
        let message = self.last_error.as_ref().map(|e| e.message().to_owned()).or_else(|| {
            self.attempts.last().filter(|a| a.outcome == "failed").map(|a| a.message.clone().unwrap_or_default())
        })?;
        let message = if message.trim().is_empty() { "the card was not accepted" } else { message.as_str() };
        Some(crate::pages::capitalise(message))
    }
}

/// Card details from the simulated provider's form. Its `Debug` shows none of them.
#[derive(Clone, Default, Serialize)]
pub struct CardInput {
    pub card_number: String,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
    pub cvc: String,
    pub cardholder: String,
}

impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardInput").finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct PaymentClient {
    api: Option<ServiceClient>,
}

impl PaymentClient {
    /// A client of payment at `base`; without one every call says payment is unavailable.
    pub fn new(base: Option<String>, timeout: Duration) -> PaymentClient {
        PaymentClient { api: base.map(|base| ServiceClient::new("payment", base, timeout)) }
    }

    fn api(&self) -> Result<&ServiceClient, ClientError> {
        self.api.as_ref().ok_or_else(|| ClientError::Unavailable("payment is not configured (urls.payment)".to_owned()))
    }

    fn request(
        &self,
        method: Method,
        checkout_id: Uuid,
        tail: &str,
        token: &str,
    ) -> Result<RequestBuilder, ClientError> {
        Ok(self.api()?.request(method, &format!("/checkouts/{checkout_id}/payment{tail}"), Some(token)))
    }

    /// The checkout's payment; 404 `payment_not_found` until payment has heard of the checkout.
    pub async fn payment(&self, token: &str, checkout_id: Uuid) -> Result<PaymentView, ClientError> {
        self.api()?.send(self.request(Method::GET, checkout_id, "", token)?).await
    }

    /// Pays with a card; a refused card is a problem (`card_declined`, `insufficient_funds`…).
    pub async fn pay(&self, token: &str, checkout_id: Uuid, card: &CardInput) -> Result<PaymentView, ClientError> {
        let request = self.request(Method::POST, checkout_id, "/attempts", token)?.json(card);
        self.api()?.send(request).await
    }

    /// The browser is back from the provider: completes a processing payment the provider says succeeded.
    pub async fn returned(&self, token: &str, checkout_id: Uuid) -> Result<PaymentView, ClientError> {
        self.api()?.send(self.request(Method::POST, checkout_id, "/return", token)?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(status: &str, last_error: serde_json::Value) -> PaymentView {
        serde_json::from_value(serde_json::json!({
            "status": status,
            "amount": { "amount_minor": 100, "currency": "EUR", "formatted": "1.00 EUR" },
            "attempts": [{ "outcome": "failed", "message": "insufficient funds" }],
            "last_error": last_error,
        }))
        .unwrap()
    }

    #[test]
    fn a_failed_attempt_is_told_while_the_payment_is_open() {
        let declined = serde_json::json!({ "code": "card_declined", "message": "your card was declined" });
        assert_eq!(view("requires_payment", declined.clone()).failure().as_deref(), Some("Your card was declined."));
        assert_eq!(view("requires_payment", serde_json::Value::Null).failure().as_deref(), Some("Insufficient funds."));
        assert_eq!(view("succeeded", declined).failure(), None);
    }

    #[test]
    fn card_details_never_show_in_debug_output() {
        let card = CardInput { card_number: "4242424242424242".into(), cvc: "123".into(), ..CardInput::default() };
        let shown = format!("{card:?}");
        assert!(!shown.contains("4242") && !shown.contains("123"), "{shown}");
    }
}
