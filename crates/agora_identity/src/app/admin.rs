//! What admins do to accounts, and creating admins (only from the command line or the first-start bootstrap).

use agora_core::{Cursor, Page, PageSize};
use agora_events::identity::{AccountDisabled, UserEvent};
use agora_http::Role;
use uuid::Uuid;

use super::{Fields, Identity, require_admin};
use crate::domain::{DisplayName, Email, IdentityError, Password, RoleSet, User, UserStatus};
use crate::store::sessions;
use crate::store::users::{self, UserFilter};

/// An admin to create or promote. No `Debug`: it holds a password.
#[derive(Clone)]
pub struct NewAdmin {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

impl Identity {
    pub async fn list_users(
        &self,
        admin_id: Uuid,
        filter: &UserFilter,
        size: PageSize,
        after: Option<&Cursor>,
    ) -> Result<Page<User>, IdentityError> {
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        let page = users::list(&mut tx, filter, size, after).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// Disables an account: its sessions end now (refresh fails at once); its access token within its lifetime.
    pub async fn disable(&self, admin_id: Uuid, user_id: Uuid, reason: &str) -> Result<User, IdentityError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(IdentityError::field("reason", "give a reason of at most 1000 characters"));
        }
        if admin_id == user_id {
            return Err(IdentityError::OwnAccount);
        }
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        users::get(&mut tx, user_id).await?;
        if users::set_status(&mut tx, user_id, UserStatus::Disabled, Some(reason)).await? {
            sessions::revoke_all(&mut tx, user_id, None, "account disabled").await?;
            let event = AccountDisabled { user_id, reason: reason.to_owned() };
            self.outbox.emit(&mut tx, &UserEvent::Disabled(event)).await?;
            tracing::info!(user.id = %user_id, admin.id = %admin_id, "account disabled");
        }
        let user = users::get(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Lets a disabled account sign in again.
    pub async fn enable(&self, admin_id: Uuid, user_id: Uuid) -> Result<User, IdentityError> {
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        users::get(&mut tx, user_id).await?;
        users::set_status(&mut tx, user_id, UserStatus::Active, None).await?;
        let user = users::get(&mut tx, user_id).await?;
        tx.commit().await?;
        tracing::info!(user.id = %user_id, admin.id = %admin_id, "account enabled");
        Ok(user)
    }

    /// Creates an admin, or gives an existing account the admin role. Returns the account and whether it is new.
    pub async fn create_admin(&self, input: NewAdmin) -> Result<(User, bool), IdentityError> {
        let mut fields = Fields::default();
        let email = fields.check("email", Email::parse(&input.email));
        fields.finish()?;
        let Some(email) = email else { return Err(IdentityError::Internal("validated email missing".into())) };
        let mut tx = self.begin().await?;
        if let Some((found, _)) = users::find_by_email(&mut tx, email.as_str()).await? {
            let user = users::get_for_update(&mut tx, found.id).await?;
            let roles = user.roles.clone().with(Role::Admin);
            users::set_roles(&mut tx, user.id, &roles).await?;
            tx.commit().await?;
            tracing::info!(user.id = %user.id, "existing account made admin");
            return Ok((User { roles, ..user }, false));
        }
        drop(tx);
        let mut fields = Fields::default();
        let password = fields.check("password", Password::parse(&input.password, email.local_part()));
        let name = fields.check("display_name", DisplayName::parse(&input.display_name));
        fields.finish()?;
        let (Some(password), Some(name)) = (password, name) else {
            return Err(IdentityError::Internal("validated fields missing".into()));
        };
        let user = self.create_account(&email, &name, &password, RoleSet::buyer().with(Role::Admin)).await?;
        tracing::info!(user.id = %user.id, "admin created");
        Ok((user, true))
    }

    /// Creates the configured admin at first start, when no admin exists yet. It only ever creates: an
    /// account someone registered with that email through the site is never promoted (its password is not the
    /// configured one), not even when the registration races this.
    pub async fn bootstrap_admin(&self) -> Result<(), IdentityError> {
        let s = &self.settings;
        if s.bootstrap_admin_email.is_empty() {
            return Ok(());
        }
        let mut conn = self.db.pool().acquire().await?;
        if users::any_admin(&mut conn).await? {
            return Ok(());
        }
        drop(conn);
        let mut fields = Fields::default();
        let email = fields.check("bootstrap_admin_email", Email::parse(&s.bootstrap_admin_email));
        let local = email.as_ref().map(|e| e.local_part().to_owned()).unwrap_or_default();
        let password = fields.check("bootstrap_admin_password", Password::parse(&s.bootstrap_admin_password, &local));
        let name = fields.check("display_name", DisplayName::parse("Administrator"));
        fields.finish()?;
        let (Some(email), Some(password), Some(name)) = (email, password, name) else {
            return Err(IdentityError::Internal("validated fields missing".into()));
        };
        match self.create_account(&email, &name, &password, RoleSet::buyer().with(Role::Admin)).await {
            Ok(user) => {
                tracing::info!(user.id = %user.id, "bootstrap admin created");
                Ok(())
            }
            Err(IdentityError::EmailTaken) => {
                tracing::error!(
                    "settings.identity.bootstrap_admin_email belongs to an account registered through the site; no \
                     admin was created. Use `agora admin create` to choose an admin deliberately"
                );
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    /// Replaces the token-signing key (admins only, checked in the database).
    pub async fn rotate_signing_key(&self, admin_id: Uuid) -> Result<String, IdentityError> {
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        tx.commit().await?;
        self.keys.rotate().await
    }
}
