//! Registering, signing in and out, refreshing, changing the password, and "who am I".

use std::net::IpAddr;

use agora_core::Timestamp;
use agora_events::identity::{UserEvent, UserRegistered};
use serde::Serialize;
use uuid::Uuid;

use super::{Fields, Identity};
use crate::domain::{DisplayName, Email, IdentityError, Password, RoleSet, User, UserStatus};
use crate::secrets;
use crate::store::limits::Limit;
use crate::store::{sellers, sessions, users};

/// What a person gives to register. No `Debug`: it holds a password.
#[derive(Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// An account as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<agora_http::Role>,
    /// `active` or `disabled`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> UserView {
        UserView {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            roles: user.roles.to_vec(),
            status: user.status.as_str(),
            disabled_reason: user.disabled_reason.clone(),
            created_at: user.created_at.to_rfc3339(),
        }
    }
}

/// Tokens handed out at sign-in and refresh.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: UserView,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair").field("user", &self.user.id).finish_non_exhaustive()
    }
}

/// The caller's account, seller profile and latest application.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: UserView,
    pub seller: Option<super::sellers::SellerView>,
    pub application: Option<super::sellers::ApplicationView>,
}

impl Identity {
    pub async fn register(&self, input: Registration, client: IpAddr) -> Result<User, IdentityError> {
        let mut fields = Fields::default();
        let email = fields.check("email", Email::parse(&input.email));
        let local = email.as_ref().map(|e| e.local_part().to_owned()).unwrap_or_default();
        let password = fields.check("password", Password::parse(&input.password, &local));
        let name = fields.check("display_name", DisplayName::parse(&input.display_name));
        fields.finish()?;
        let (Some(email), Some(password), Some(name)) = (email, password, name) else {
            return Err(IdentityError::Internal("validated fields missing".into()));
        };
        let limit = Limit {
            bucket: format!("register:address:{}", super::network(client)),
            max: self.settings.registrations_per_address,
            window_secs: self.settings.registration_window_secs,
        };
        let mut tx = self.begin().await?;
        limit.hit(&mut tx).await?;
        tx.commit().await?;

        let user = self.create_account(&email, &name, &password, RoleSet::buyer()).await?;
        tracing::info!(user.id = %user.id, "account registered");
        crate::metrics::registered();
        Ok(user)
    }

    /// Stores a new account with a hash of its password and announces it.
    pub(super) async fn create_account(
        &self,
        email: &Email,
        name: &DisplayName,
        password: &Password,
        roles: RoleSet,
    ) -> Result<User, IdentityError> {
        let hash = self.hasher.hash(password).await?;
        let user = User {
            id: agora_core::new_id(),
            email: email.as_str().to_owned(),
            display_name: name.as_str().to_owned(),
            roles,
            status: UserStatus::Active,
            disabled_reason: None,
            created_at: Timestamp::now(),
        };
        let mut tx = self.begin().await?;
        users::insert(&mut tx, &user, &hash).await?;
        let event =
            UserRegistered { user_id: user.id, email: user.email.clone(), display_name: user.display_name.clone() };
        self.outbox.emit(&mut tx, &UserEvent::Registered(event)).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn sign_in(&self, email: &str, password: &str, client: IpAddr) -> Result<TokenPair, IdentityError> {
        let mut fields = Fields::default();
        let email = fields.check("email", Email::parse(email));
        if password.is_empty() {
            fields.0.push(agora_http::FieldError::new("password", "enter your password"));
        }
        fields.finish()?;
        let Some(email) = email else { return Err(IdentityError::BadCredentials) };
        let limits = self.sign_in_limits(email.as_str(), client);
        // Every attempt is counted before the password is checked, atomically, so simultaneous guesses cannot
        // all slip under the limit; a successful attempt is given back below.
        let mut tx = self.begin().await?;
        for limit in &limits {
            if let Err(err) = limit.hit(&mut tx).await {
                tx.commit().await?;
                crate::metrics::sign_in("rate_limited");
                return Err(err);
            }
        }
        let found = users::find_by_email(&mut tx, email.as_str()).await?;
        tx.commit().await?;
        let matches =
            self.hasher.verify(&Password::presented(password), found.as_ref().map(|(_, h)| h.as_str())).await?;
        let user = match found {
            Some((user, _)) if matches => user,
            _ => {
                tracing::info!("sign-in failed");
                crate::metrics::sign_in("bad_credentials");
                return Err(IdentityError::BadCredentials);
            }
        };
        let mut tx = self.begin().await?;
        for limit in &limits {
            limit.give_back(&mut tx).await?;
        }
        tx.commit().await?;
        if user.status == UserStatus::Disabled {
            crate::metrics::sign_in("disabled");
            return Err(IdentityError::AccountDisabled);
        }
        crate::metrics::sign_in("success");
        let session_id = agora_core::new_id();
        let mut tx = self.begin().await?;
        sessions::create(&mut tx, session_id, user.id).await?;
        let tokens = self.issue(&mut tx, &user, session_id).await?;
        tx.commit().await?;
        tracing::info!(user.id = %user.id, session.id = %session_id, "signed in");
        Ok(tokens)
    }

    /// Exchanges a refresh token for a new pair. A token used twice ends its whole session, unless the second
    /// use comes within the grace period (two tabs refreshing at once).
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, IdentityError> {
        let hash = secrets::digest(refresh_token);
        let mut tx = self.begin().await?;
        let stored = sessions::find_token(&mut tx, &hash).await?.ok_or(IdentityError::SessionEnded)?;
        // The account first: disabling it also ended its sessions, and "disabled" is the answer that explains.
        let user = users::get(&mut tx, stored.user_id).await?;
        if user.status == UserStatus::Disabled {
            return Err(IdentityError::AccountDisabled);
        }
        if stored.session_revoked || stored.expires_at < Timestamp::now() {
            return Err(IdentityError::SessionEnded);
        }
        let grace = Timestamp::now().minus(std::time::Duration::from_secs(self.settings.refresh_reuse_grace_secs));
        let first_use = sessions::use_token(&mut tx, &hash).await?;
        let within_grace = stored.used_at.is_none_or(|used| used >= grace);
        if !first_use && !within_grace {
            sessions::revoke(&mut tx, stored.session_id, "refresh token reused").await?;
            tx.commit().await?;
            tracing::warn!(user.id = %user.id, session.id = %stored.session_id, "refresh token reused; session revoked");
            crate::metrics::refresh_reused();
            return Err(IdentityError::RefreshReused);
        }
        let tokens = self.issue(&mut tx, &user, stored.session_id).await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// Ends the session a refresh token belongs to. Unknown tokens are ignored: signing out always works.
    pub async fn sign_out(&self, refresh_token: &str) -> Result<(), IdentityError> {
        let mut tx = self.begin().await?;
        if let Some(stored) = sessions::find_token(&mut tx, &secrets::digest(refresh_token)).await? {
            sessions::revoke(&mut tx, stored.session_id, "signed out").await?;
            tracing::info!(user.id = %stored.user_id, session.id = %stored.session_id, "signed out");
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends one session of the caller (sign-out with only an access token).
    pub async fn end_session(&self, user_id: Uuid, session_id: Uuid) -> Result<(), IdentityError> {
        let mut tx = self.begin().await?;
        sessions::revoke_of_user(&mut tx, user_id, session_id, "signed out").await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the password and signs out every other session.
    pub async fn change_password(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        current: &str,
        new: &str,
    ) -> Result<(), IdentityError> {
        let mut conn = self.db.pool().acquire().await?;
        let user = users::get(&mut conn, user_id).await?;
        let hash = users::password_hash(&mut conn, user_id).await?;
        drop(conn);
        if user.status == UserStatus::Disabled {
            return Err(IdentityError::AccountDisabled);
        }
        let email = Email::parse(&user.email).map_err(|e| IdentityError::Internal(e.to_owned()))?;
        let new = Password::parse(new, email.local_part()).map_err(|m| IdentityError::field("new_password", m))?;
        // A stolen access token must not buy unlimited guesses at the password: the sign-in limit applies.
        let [per_account, _] = self.sign_in_limits(email.as_str(), std::net::Ipv4Addr::UNSPECIFIED.into());
        let mut tx = self.begin().await?;
        let counted = per_account.hit(&mut tx).await;
        tx.commit().await?;
        counted?;
        if !self.hasher.verify(&Password::presented(current), Some(&hash)).await? {
            return Err(IdentityError::WrongPassword);
        }
        let mut tx = self.begin().await?;
        per_account.give_back(&mut tx).await?;
        tx.commit().await?;
        let new_hash = self.hasher.hash(&new).await?;
        let mut tx = self.begin().await?;
        users::set_password_hash(&mut tx, user_id, &new_hash).await?;
        sessions::revoke_all(&mut tx, user_id, Some(session_id), "password changed").await?;
        tx.commit().await?;
        tracing::info!(user.id = %user_id, "password changed; other sessions signed out");
        Ok(())
    }

    pub async fn me(&self, user_id: Uuid) -> Result<Me, IdentityError> {
        let mut conn = self.db.pool().acquire().await?;
        let user = users::get(&mut conn, user_id).await?;
        if user.status == UserStatus::Disabled {
            return Err(IdentityError::AccountDisabled);
        }
        let seller = sellers::find_profile(&mut conn, user_id).await?.filter(|p| p.active);
        let application = sellers::latest_application(&mut conn, user_id).await?;
        Ok(Me {
            user: UserView::from(&user),
            seller: seller.as_ref().map(Into::into),
            application: application.as_ref().map(Into::into),
        })
    }
}
