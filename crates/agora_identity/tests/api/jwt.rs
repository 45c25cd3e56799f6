//! Taking access tokens apart and forging new ones: segments, a fresh Ed25519 key, and identity's real
//! signing key read from its database (to sign tokens identity would never issue, such as expired ones,
//! without waiting out a TTL and the verifier's leeway).

use agora_testkit::TestApp;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::harness::identity_db;

/// The header, claims and signature segments of a token.
pub fn segments(token: &str) -> (String, String, String) {
    let mut parts = token.split('.').map(str::to_owned);
    let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("not a JWS in compact form: {token}");
    };
    (header, claims, signature)
}

/// A segment as JSON.
pub fn decode(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

/// JSON as a segment.
pub fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

pub fn header(token: &str) -> Value {
    decode(&segments(token).0)
}

pub fn claims(token: &str) -> Value {
    decode(&segments(token).1)
}

/// The `kid` a token names.
pub fn kid(token: &str) -> String {
    header(token)["kid"].as_str().expect("a kid").to_owned()
}

/// The roles a token carries.
pub fn roles(token: &str) -> Vec<String> {
    serde_json::from_value(claims(token)["roles"].clone()).unwrap()
}

/// Signs `claims` with EdDSA under `kid` using the PKCS#8 DER key `der`.
pub fn sign(claims: &Value, kid: &str, der: &[u8]) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(der)).unwrap()
}

/// A new Ed25519 key, as PKCS#8 DER: not one identity knows.
pub fn fresh_key() -> Vec<u8> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).unwrap();
    SigningKey::from_bytes(&seed).to_pkcs8_der().unwrap().as_bytes().to_vec()
}

/// Claims like identity's for `user_id`, with these roles, expiring `expires_in` seconds from now.
pub fn claims_for(user_id: &str, roles: &[&str], expires_in: i64) -> Value {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    json!({
        "sub": user_id,
        "roles": roles,
        "sid": uuid::Uuid::now_v7(),
        "iss": "agora-identity",
        "aud": "agora",
        "iat": now + expires_in - 300,
        "exp": now + expires_in,
        "jti": uuid::Uuid::now_v7(),
    })
}

/// Identity's current signing key (kid, PKCS#8 DER), read from its database.
pub async fn identity_signing_key(app: &TestApp) -> (String, Vec<u8>) {
    let db = identity_db(app).await;
    let (kid, der): (String, String) = sqlx::query_as(
        "SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    db.close().await;
    (kid, STANDARD.decode(der).unwrap())
}
