//! Password hashing with Argon2id, off the async threads and a few at a time (each hash holds ~19 MiB).

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::domain::{IdentityError, Password};

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when an email has no account, so a miss costs as much time as a hit.
    decoy: Arc<String>,
}

impl Hasher {
    pub async fn new(concurrent: usize) -> Result<Hasher, IdentityError> {
        let permits = Arc::new(Semaphore::new(concurrent.max(1)));
        let hasher = Hasher { permits, decoy: Arc::new(String::new()) };
        let decoy = hasher.hash(&Password::presented("decoy password for unknown accounts")).await?;
        Ok(Hasher { decoy: Arc::new(decoy), ..hasher })
    }

    /// A PHC-format Argon2id hash with a fresh salt.
    pub async fn hash(&self, password: &Password) -> Result<String, IdentityError> {
        let password = password.clone();
        self.blocking(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|e| IdentityError::Internal(format!("no randomness: {e}")))?;
            let salt = SaltString::encode_b64(&salt).map_err(|e| IdentityError::Internal(e.to_string()))?;
            Argon2::default()
                .hash_password(password.expose().as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| IdentityError::Internal(format!("hashing failed: {e}")))
        })
        .await
    }

    /// Whether `password` matches `hash`; with no hash, spends the same time and answers no.
    pub async fn verify(&self, password: &Password, hash: Option<&str>) -> Result<bool, IdentityError> {
        let password = password.clone();
        let (stored, real) = match hash {
            Some(hash) => (hash.to_owned(), true),
            None => (self.decoy.as_str().to_owned(), false),
        };
        self.blocking(move || {
            let parsed = PasswordHash::new(&stored).map_err(|e| IdentityError::Internal(format!("bad hash: {e}")))?;
            Ok(Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok() && real)
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, IdentityError> + Send + 'static,
    ) -> Result<T, IdentityError> {
        let _permit = self.permits.acquire().await.map_err(|e| IdentityError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| IdentityError::Internal(format!("hashing panicked: {e}")))?
    }
}
