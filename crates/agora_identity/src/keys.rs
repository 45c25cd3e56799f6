//! Signing keys of access tokens: Ed25519, named by a `kid`, rotated without signing anyone out.
//!
//! The newest unretired key signs. Rotation adds a key and retires the others; a retired key stays in the
//! published key set until every token it signed has expired, then it is deleted.

use std::time::Duration;

use agora_core::Timestamp;
use agora_db::Db;
use agora_http::auth::AccessClaims;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::domain::IdentityError;

/// How long after its tokens expire a retired key is still published (clock skew, caches).
const PUBLISH_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct KeyRing {
    db: Db,
    access_ttl: Duration,
}

impl KeyRing {
    pub fn new(db: Db, access_ttl: Duration) -> KeyRing {
        KeyRing { db, access_ttl }
    }

    /// Makes sure a signing key exists (first start).
    pub async fn ensure_key(&self) -> Result<(), IdentityError> {
        if self.current().await?.is_none() {
            self.rotate().await?;
        }
        Ok(())
    }

    /// Adds a new signing key and retires the others. Returns the new key's id.
    pub async fn rotate(&self) -> Result<String, IdentityError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| IdentityError::Internal(format!("no randomness: {e}")))?;
        let key = SigningKey::from_bytes(&seed);
        let der = key.to_pkcs8_der().map_err(|e| IdentityError::Internal(format!("key encoding failed: {e}")))?;
        let kid = agora_core::new_id().simple().to_string();
        let now = Timestamp::now().as_micros();
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO signing_keys (kid, private_key, public_key, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&kid)
            .bind(STANDARD.encode(der.as_bytes()))
            .bind(URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(key.id = %kid, "rotated the access-token signing key");
        Ok(kid)
    }

    /// Rotates when the current key is older than `every`.
    pub async fn rotate_if_older_than(&self, every: Duration) -> Result<(), IdentityError> {
        let due = match self.current().await? {
            Some((_, _, created)) => created < Timestamp::now().minus(every),
            None => true,
        };
        if due {
            self.rotate().await?;
        }
        self.forget_expired().await
    }

    /// The signing key: id, PKCS#8 DER, creation time.
    async fn current(&self) -> Result<Option<(String, Vec<u8>, Timestamp)>, IdentityError> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT kid, private_key, created_at FROM signing_keys WHERE retired_at IS NULL \
             ORDER BY created_at DESC, kid DESC LIMIT 1",
        )
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|(kid, der, created)| {
            let der = STANDARD.decode(der).map_err(|e| IdentityError::Internal(format!("stored key: {e}")))?;
            Ok((kid, der, Timestamp::from_micros(created)))
        })
        .transpose()
    }

    /// Signs an access token with the current key.
    pub async fn sign(&self, claims: &AccessClaims) -> Result<String, IdentityError> {
        let (kid, der, _) = self.current().await?.ok_or_else(|| IdentityError::Internal("no signing key".into()))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&der))
            .map_err(|e| IdentityError::Internal(format!("signing failed: {e}")))
    }

    /// The public keys that verify tokens still in circulation, as a JWKS document.
    pub async fn jwks(&self) -> Result<serde_json::Value, IdentityError> {
        let oldest = Timestamp::now().minus(self.access_ttl + PUBLISH_MARGIN).as_micros();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT kid, public_key FROM signing_keys WHERE retired_at IS NULL OR retired_at > $1 \
             ORDER BY created_at DESC",
        )
        .bind(oldest)
        .fetch_all(self.db.pool())
        .await?;
        let keys: Vec<_> = rows
            .into_iter()
            .map(|(kid, x)| json!({ "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": x }))
            .collect();
        Ok(json!({ "keys": keys }))
    }

    /// Deletes retired keys whose tokens have all expired.
    async fn forget_expired(&self) -> Result<(), IdentityError> {
        let oldest = Timestamp::now().minus(self.access_ttl + PUBLISH_MARGIN).as_micros();
        let mut tx = self.db.begin().await?;
        sqlx::query("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= $1")
            .bind(oldest)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
