//! Webhook signatures as Stripe documents them, used by both providers: the header
//! `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several `v1` entries
//! are allowed while a secret rolls over). A signature is accepted only within the tolerance around now,
//! so a captured webhook cannot be replayed later, and is compared in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the signature.
pub const HEADER: &str = "stripe-signature";

/// Why a webhook's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// The header value signing `body` at `timestamp` (unix seconds) with `secret`.
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let signature = mac(secret, timestamp, body).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default();
    format!("t={timestamp},v1={signature}")
}

/// Checks `header` against `body`, at `now` (unix seconds).
pub fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            // Other schemes (v0 is Stripe's test scheme) are not accepted.
            Some(("v1", sig)) => candidates.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body).ok_or(SignatureError::Mismatch)?;
    let matches = candidates
        .iter()
        .filter_map(|sig| hex::decode(sig).ok())
        .any(|sig| expected.clone().verify_slice(&sig).is_ok());
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// HMAC-SHA256 over `"<t>.<body>"`; HMAC takes keys of any length, so this is `None` never in practice.
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    agora_core::Timestamp::now().as_micros() / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_body_verifies_within_the_tolerance_only() {
        let body = br#"{"id":"evt_1"}"#;
        let header = header_value("whsec_test", 1_000, body);
        assert_eq!(verify("whsec_test", Some(&header), body, 1_100, 300), Ok(()));
        assert_eq!(verify("whsec_test", Some(&header), body, 1_400, 300), Err(SignatureError::Stale));
        assert_eq!(verify("whsec_test", Some(&header), b"{}", 1_000, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("other", Some(&header), body, 1_000, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify("whsec_test", None, body, 1_000, 300), Err(SignatureError::Missing));
        assert_eq!(verify("whsec_test", Some("v1=abc"), body, 1_000, 300), Err(SignatureError::Malformed));
    }

    #[test]
    fn any_of_several_signatures_may_match() {
        let body = b"{}";
        let good = header_value("new", 5, body);
        let sig = good.split("v1=").nth(1).unwrap();
        let header = format!("t=5,v1={},v1={sig}", "00".repeat(32));
        assert_eq!(verify("new", Some(&header), body, 5, 300), Ok(()));
    }
}
