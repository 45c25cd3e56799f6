//! The Stripe-compatible adapter: PaymentIntents created and confirmed in one call, looked up, refunded
//! (whole or in part, the amount always named), and webhooks verified with the endpoint's signing secret.
//! Requests are form-encoded with the secret key as bearer token and an `Idempotency-Key`; the keys never
//! appear in logs or errors.

use std::time::Duration;

use async_trait::async_trait;
use axum::http::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{
    ChargeOutcome, ChargeRequest, ChargeStatus, LastPaymentError, Provider, ProviderError, RefundRequest, WebhookError,
    WebhookEvent,
};
use crate::config::PaymentSettings;
use crate::domain::PaymentMethod;
use crate::domain::card::MethodKind;

pub const NAME: &str = "stripe";

pub struct Stripe {
    http: reqwest::Client,
    api_base: String,
    secret_key: String,
    webhook_secret: String,
    tolerance_secs: u64,
}

/// The parts of a PaymentIntent payment reads.
#[derive(Debug, Deserialize)]
struct PaymentIntent {
    id: String,
    status: String,
    #[serde(default)]
    last_payment_error: Option<LastPaymentError>,
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ApiError,
}

#[derive(Debug, Deserialize)]
struct ApiError {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    payment_intent: Option<PaymentIntent>,
}

#[derive(Debug, Deserialize)]
struct Refund {
    id: String,
    #[serde(default)]
    status: Option<String>,
}

impl Stripe {
    pub fn new(settings: &PaymentSettings) -> Result<Stripe, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.stripe.timeout_ms.max(1)))
            .build()
            .map_err(|e| format!("stripe client: {e}"))?;
        Ok(Stripe {
            http,
            api_base: settings.stripe.api_base.trim().trim_end_matches('/').to_owned(),
            secret_key: settings.stripe.secret_key.trim().to_owned(),
            webhook_secret: settings.stripe.webhook_secret.trim().to_owned(),
            tolerance_secs: settings.webhook_tolerance_secs,
        })
    }

    fn post(&self, path: &str, key: uuid::Uuid) -> RequestBuilder {
        self.http
            .post(format!("{}{path}", self.api_base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", key.to_string())
    }

    /// Sends a request: the body of a success, or the provider's error body with its status.
    async fn send<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<Result<T, (StatusCode, ApiError)>, ProviderError> {
        let response = request.send().await.map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(ProviderError::Unavailable(format!("stripe answered {status}")));
        }
        let bytes = response.bytes().await.map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        let unreadable = |e: serde_json::Error| ProviderError::Unavailable(format!("unreadable stripe answer: {e}"));
        if status.is_success() {
            return serde_json::from_slice(&bytes).map(Ok).map_err(unreadable);
        }
        let body: ErrorBody = serde_json::from_slice(&bytes).map_err(unreadable)?;
        Ok(Err((status, body.error)))
    }
}

/// A provider id safe to put in a URL path.
fn path_id(id: &str) -> Result<&str, ProviderError> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(id)
    } else {
        Err(ProviderError::Rejected { code: "invalid_request".to_owned(), message: "malformed reference".to_owned() })
    }
}

fn rejected(error: ApiError) -> ProviderError {
    ProviderError::Rejected {
        code: error.code.unwrap_or_else(|| error.kind.unwrap_or_else(|| "api_error".to_owned())),
        message: error.message.unwrap_or_else(|| "the provider refused the request".to_owned()),
    }
}

fn declined(provider_ref: Option<String>, error: Option<LastPaymentError>) -> ChargeOutcome {
    let error = error.unwrap_or_default();
    ChargeOutcome::Declined { provider_ref, code: error.code(), message: error.message() }
}

fn charge_outcome(intent: PaymentIntent) -> ChargeOutcome {
    match intent.status.as_str() {
        "succeeded" => ChargeOutcome::Succeeded { provider_ref: intent.id },
        "processing" | "requires_action" | "requires_confirmation" | "requires_capture" => {
            ChargeOutcome::Processing { provider_ref: intent.id }
        }
        // requires_payment_method (the card was refused), canceled.
        _ => declined(Some(intent.id), intent.last_payment_error),
    }
}

#[async_trait]
impl Provider for Stripe {
    fn name(&self) -> &'static str {
        NAME
    }

    fn method_kind(&self) -> MethodKind {
        MethodKind::PaymentMethodId
    }

    async fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, ProviderError> {
        let PaymentMethod::Id(method) = request.method else {
            return Err(ProviderError::Rejected {
                code: "invalid_request".to_owned(),
                message: "send a payment method id, never card numbers".to_owned(),
            });
        };
        let form = [
            ("amount", request.amount.amount_minor.to_string()),
            ("currency", request.amount.currency.as_str().to_lowercase()),
            ("payment_method", method.clone()),
            ("payment_method_types[]", "card".to_owned()),
            ("confirm", "true".to_owned()),
            ("metadata[checkout_id]", request.checkout_id.to_string()),
            ("metadata[payment_id]", request.payment_id.to_string()),
            // Lets a webhook that arrives before payment recorded the PaymentIntent find its attempt.
            ("metadata[attempt_id]", request.idempotency_key.to_string()),
        ];
        let sent = self.send::<PaymentIntent>(self.post("/v1/payment_intents", request.idempotency_key).form(&form));
        match sent.await? {
            Ok(intent) => Ok(charge_outcome(intent)),
            // A declined card: 402 with the error and the PaymentIntent it left behind.
            Err((StatusCode::PAYMENT_REQUIRED, error)) => {
                let provider_ref = error.payment_intent.as_ref().map(|pi| pi.id.clone());
                let code = error.decline_code.or(error.code);
                Ok(declined(provider_ref, Some(LastPaymentError { code, decline_code: None, message: error.message })))
            }
            Err((_, error)) => Err(rejected(error)),
        }
    }

    async fn retrieve(&self, provider_ref: &str) -> Result<ChargeStatus, ProviderError> {
        let url = format!("{}/v1/payment_intents/{}", self.api_base, path_id(provider_ref)?);
        let request = self.http.get(url).bearer_auth(&self.secret_key);
        match self.send::<PaymentIntent>(request).await? {
            Ok(intent) => Ok(match charge_outcome(intent) {
                ChargeOutcome::Succeeded { .. } => ChargeStatus::Succeeded,
                ChargeOutcome::Processing { .. } => ChargeStatus::Processing,
                ChargeOutcome::Declined { code, message, .. } => ChargeStatus::Failed { code, message },
            }),
            Err((_, error)) => Err(rejected(error)),
        }
    }

    async fn refund(&self, request: &RefundRequest<'_>) -> Result<String, ProviderError> {
        let form = [
            ("payment_intent", path_id(request.provider_ref)?.to_owned()),
            ("amount", request.amount.amount_minor.to_string()),
        ];
        match self.send::<Refund>(self.post("/v1/refunds", request.idempotency_key).form(&form)).await? {
            Ok(refund) if matches!(refund.status.as_deref(), Some("failed" | "canceled")) => {
                Err(ProviderError::Rejected {
                    code: "refund_failed".to_owned(),
                    message: format!("refund {}", refund.id),
                })
            }
            Ok(refund) => Ok(refund.id),
            Err((_, error)) => Err(rejected(error)),
        }
    }

    fn verify_webhook(&self, body: &[u8], headers: &HeaderMap) -> Result<WebhookEvent, WebhookError> {
        super::verify_and_parse(&self.webhook_secret, headers, body, self.tolerance_secs)
    }
}
