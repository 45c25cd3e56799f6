//! Identity's settings (`[settings.identity]`).

use std::time::Duration;

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentitySettings {
    /// Lifetime of an access token; a disabled account keeps working at most this long.
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token (an idle session ends after this).
    pub refresh_token_ttl_days: u64,
    /// A refresh token presented again within this many seconds of its first use (two tabs refreshing at
    /// once) gets a new token in the same session instead of revoking it; later reuse revokes the session.
    pub refresh_reuse_grace_secs: u64,
    /// The signing key is replaced after this many days; old keys stay published until their tokens expire.
    pub key_rotation_days: u64,
    /// Failed sign-ins allowed per account, and per client address, in one window.
    pub sign_in_failures_per_account: u32,
    pub sign_in_failures_per_address: u32,
    pub sign_in_window_secs: u64,
    /// Registrations allowed per client address in one window.
    pub registrations_per_address: u32,
    pub registration_window_secs: u64,
    /// Password hashes computed at once (each takes about 19 MiB for a moment).
    pub concurrent_hashes: usize,
    /// Creates this admin at first start when no admin exists (password from
    /// AGORA_SETTINGS__IDENTITY__BOOTSTRAP_ADMIN_PASSWORD; never put it in a file).
    pub bootstrap_admin_email: String,
    pub bootstrap_admin_password: String,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        IdentitySettings {
            access_token_ttl_secs: 300,
            refresh_token_ttl_days: 30,
            refresh_reuse_grace_secs: 10,
            key_rotation_days: 30,
            sign_in_failures_per_account: 5,
            sign_in_failures_per_address: 20,
            sign_in_window_secs: 900,
            registrations_per_address: 10,
            registration_window_secs: 3600,
            concurrent_hashes: 4,
            bootstrap_admin_email: String::new(),
            bootstrap_admin_password: String::new(),
        }
    }
}

impl std::fmt::Debug for IdentitySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySettings")
            .field("access_token_ttl_secs", &self.access_token_ttl_secs)
            .field("bootstrap_admin_email", &self.bootstrap_admin_email)
            .finish_non_exhaustive()
    }
}

impl IdentitySettings {
    pub fn access_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_secs)
    }

    pub fn refresh_ttl(&self) -> Duration {
        Duration::from_secs(self.refresh_token_ttl_days * 86_400)
    }

    pub fn rotation(&self) -> Duration {
        Duration::from_secs(self.key_rotation_days * 86_400)
    }
}
