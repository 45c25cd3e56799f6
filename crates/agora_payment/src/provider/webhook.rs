//! Reading a webhook event once its signature checked out. Both providers send Stripe's event shape:
//! `{"id": "evt_…", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_…", …}}}`.

use axum::http::HeaderMap;
use serde::Deserialize;

use super::signature;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Signature(#[from] super::signature::SignatureError),
    /// Signed, but not an event this service can read.
    #[error("{0}")]
    Unreadable(String),
}

/// What a webhook tells payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    ChargeSucceeded {
        event_id: String,
        provider_ref: String,
        attempt_id: Option<String>,
    },
    ChargeFailed {
        event_id: String,
        provider_ref: String,
        attempt_id: Option<String>,
        code: String,
        message: String,
    },
    /// Any other event: acknowledged and ignored.
    Other {
        event_id: String,
        event_type: String,
    },
}

impl WebhookEvent {
    pub fn event_id(&self) -> &str {
        match self {
            WebhookEvent::ChargeSucceeded { event_id, .. }
            | WebhookEvent::ChargeFailed { event_id, .. }
            | WebhookEvent::Other { event_id, .. } => event_id,
        }
    }

    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::ChargeSucceeded { .. } => "payment_intent.succeeded",
            WebhookEvent::ChargeFailed { .. } => "payment_intent.payment_failed",
            WebhookEvent::Other { event_type, .. } => event_type,
        }
    }

    /// The attempt the charge was made for (`metadata.attempt_id`), should payment not know the charge yet.
    pub fn attempt_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::ChargeSucceeded { attempt_id, .. } | WebhookEvent::ChargeFailed { attempt_id, .. } => {
                attempt_id.as_deref()
            }
            WebhookEvent::Other { .. } => None,
        }
    }

    pub fn provider_ref(&self) -> Option<&str> {
        match self {
            WebhookEvent::ChargeSucceeded { provider_ref, .. } | WebhookEvent::ChargeFailed { provider_ref, .. } => {
                Some(provider_ref)
            }
            WebhookEvent::Other { .. } => None,
        }
    }
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: RawObject,
}

#[derive(Deserialize)]
struct RawObject {
    #[serde(default)]
    id: String,
    #[serde(default)]
    last_payment_error: Option<LastPaymentError>,
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    attempt_id: Option<String>,
}

/// A PaymentIntent's `last_payment_error`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LastPaymentError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl LastPaymentError {
    /// The most specific code: the decline code when the card was declined.
    pub fn code(&self) -> String {
        self.decline_code.clone().or_else(|| self.code.clone()).unwrap_or_else(|| "card_declined".to_owned())
    }

    pub fn message(&self) -> String {
        self.message.clone().unwrap_or_else(|| "The payment failed.".to_owned())
    }
}

/// Checks the `Stripe-Signature` header against `secret`, then reads the event.
pub fn verify_and_parse(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    tolerance_secs: u64,
) -> Result<WebhookEvent, WebhookError> {
    let header = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
    signature::verify(secret, header, body, signature::unix_now(), tolerance_secs)?;
    parse_event(body)
}

/// Reads an event body (signature already verified).
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let raw: RawEvent = serde_json::from_slice(body).map_err(|e| WebhookError::Unreadable(e.to_string()))?;
    let object = raw.data.object;
    let needs_ref = |event: WebhookEvent| {
        if object.id.is_empty() {
            Err(WebhookError::Unreadable("the event's data.object has no id".to_owned()))
        } else {
            Ok(event)
        }
    };
    match raw.event_type.as_str() {
        "payment_intent.succeeded" => needs_ref(WebhookEvent::ChargeSucceeded {
            event_id: raw.id,
            provider_ref: object.id.clone(),
            attempt_id: object.metadata.attempt_id.clone(),
        }),
        "payment_intent.payment_failed" => {
            let error = object.last_payment_error.clone().unwrap_or_default();
            needs_ref(WebhookEvent::ChargeFailed {
                event_id: raw.id,
                provider_ref: object.id.clone(),
                attempt_id: object.metadata.attempt_id.clone(),
                code: error.code(),
                message: error.message(),
            })
        }
        _ => Ok(WebhookEvent::Other { event_id: raw.id, event_type: raw.event_type }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_intent_events_name_their_charge() {
        let body = br#"{"id":"evt_1","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_1",
            "last_payment_error":{"code":"card_declined","decline_code":"insufficient_funds","message":"No money"}}}}"#;
        let event = parse_event(body).unwrap();
        assert_eq!(
            event,
            WebhookEvent::ChargeFailed {
                event_id: "evt_1".into(),
                provider_ref: "pi_1".into(),
                attempt_id: None,
                code: "insufficient_funds".into(),
                message: "No money".into()
            }
        );
        let other = parse_event(br#"{"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_1"}}}"#);
        assert_eq!(other.unwrap().event_type(), "charge.refunded");
        assert!(parse_event(b"[]").is_err());
    }
}
