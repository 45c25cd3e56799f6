//! Identity's use cases. Each opens a transaction, changes state through the store, writes its events to
//! the outbox in the same transaction, and commits.

mod accounts;
mod admin;
mod sellers;

use std::net::IpAddr;
use std::sync::Arc;

use agora_bus::Outbox;
use agora_core::Timestamp;
use agora_db::{Db, Tx};
use agora_http::auth::{AUDIENCE, AccessClaims, ISSUER};
use agora_http::{FieldError, Role};
use uuid::Uuid;

pub use accounts::{Me, Registration, TokenPair, UserView};
pub use admin::NewAdmin;
pub use sellers::{ApplicationView, SellerView};

use crate::config::IdentitySettings;
use crate::domain::{IdentityError, User};
use crate::hashing::Hasher;
use crate::keys::KeyRing;
use crate::secrets;
use crate::store::limits::Limit;
use crate::store::{self, sessions};

/// The identity service's state, shared by its handlers and tasks.
#[derive(Clone)]
pub struct Identity {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<IdentitySettings>,
    pub hasher: Hasher,
    pub keys: KeyRing,
}

impl Identity {
    pub async fn new(db: Db, outbox: Outbox, settings: IdentitySettings) -> Result<Identity, IdentityError> {
        let hasher = Hasher::new(settings.concurrent_hashes).await?;
        let keys = KeyRing::new(db.clone(), settings.access_ttl());
        keys.ensure_key().await?;
        Ok(Identity { db, outbox, settings: Arc::new(settings), hasher, keys })
    }

    async fn begin(&self) -> Result<Tx, IdentityError> {
        Ok(self.db.begin().await?)
    }

    /// Signs an access token for `user` in `session_id` and stores a new refresh token in that session.
    async fn issue(&self, tx: &mut Tx, user: &User, session_id: Uuid) -> Result<TokenPair, IdentityError> {
        let refresh_token = secrets::random_token()?;
        let expires = Timestamp::now().plus(self.settings.refresh_ttl());
        sessions::add_token(tx, session_id, &secrets::digest(&refresh_token), expires).await?;
        let now = Timestamp::now().as_micros() / 1_000_000;
        let ttl = self.settings.access_token_ttl_secs as i64;
        let claims = AccessClaims {
            sub: user.id,
            roles: user.roles.to_vec(),
            sid: session_id,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + ttl,
            jti: agora_core::new_id(),
        };
        let access_token = self.keys.sign(&claims).await?;
        Ok(TokenPair {
            access_token,
            token_type: "Bearer",
            expires_in: ttl,
            refresh_token,
            user: accounts::UserView::from(user),
        })
    }

    fn sign_in_limits(&self, email: &str, client: IpAddr) -> [Limit; 2] {
        let s = &self.settings;
        [
            Limit {
                bucket: format!("sign_in:account:{}", secrets::digest(email)),
                max: s.sign_in_failures_per_account,
                window_secs: s.sign_in_window_secs,
            },
            Limit {
                bucket: format!("sign_in:address:{}", network(client)),
                max: s.sign_in_failures_per_address,
                window_secs: s.sign_in_window_secs,
            },
        ]
    }

    /// Housekeeping: expired refresh tokens, old rate-limit windows, key rotation.
    pub async fn sweep(&self) -> Result<(), IdentityError> {
        let now = Timestamp::now();
        let mut tx = self.begin().await?;
        let forgotten = sessions::forget_expired(&mut tx, now).await?;
        store::limits::forget_old(&mut tx, now).await?;
        tx.commit().await?;
        if forgotten > 0 {
            tracing::info!(tokens = forgotten, "forgot expired refresh tokens");
        }
        self.keys.rotate_if_older_than(self.settings.rotation()).await
    }
}

/// The unit a client address is counted in: the address for IPv4, its /64 for IPv6 (one subscriber usually
/// holds a whole /64, so counting single IPv6 addresses would count nothing).
pub(crate) fn network(client: IpAddr) -> String {
    match client {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Collects field errors; `Err(Invalid)` if there were any.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn check<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        result.map_err(|message| self.0.push(FieldError::new(field, message))).ok()
    }

    fn finish(self) -> Result<(), IdentityError> {
        if self.0.is_empty() { Ok(()) } else { Err(IdentityError::Invalid(self.0)) }
    }
}

/// Checks in the database that the acting user is still an active admin (their token may be minutes old).
async fn require_admin(tx: &mut Tx, admin: Uuid) -> Result<User, IdentityError> {
    let user = store::users::get(tx, admin).await?;
    if user.status != crate::domain::UserStatus::Active {
        return Err(IdentityError::AccountDisabled);
    }
    if !user.roles.contains(Role::Admin) {
        return Err(IdentityError::NotAdmin);
    }
    Ok(user)
}
