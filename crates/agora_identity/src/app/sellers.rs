//! Applying to sell, deciding applications, revoking sellers, and looking up a seller's public profile.

use agora_core::Timestamp;
use agora_events::identity::{SellerApproved, SellerEvent, SellerRejected, SellerRevoked};
use agora_http::Role;
use serde::Serialize;
use uuid::Uuid;

use super::{Fields, Identity, require_admin};
use crate::domain::application::parse_description;
use crate::domain::{ApplicationStatus, IdentityError, SellerApplication, ShopName, UserStatus};
use crate::store::sellers::{self, SellerProfile};
use crate::store::users;

/// A seller as other services and visitors see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SellerView {
    pub user_id: Uuid,
    pub shop_name: String,
    pub description: String,
    pub since: String,
}

impl From<&SellerProfile> for SellerView {
    fn from(p: &SellerProfile) -> SellerView {
        SellerView {
            user_id: p.user_id,
            shop_name: p.shop_name.clone(),
            description: p.description.clone(),
            since: p.approved_at.to_rfc3339(),
        }
    }
}

/// An application to sell.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub shop_name: String,
    pub description: String,
    /// `pending`, `approved` or `rejected`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl From<&SellerApplication> for ApplicationView {
    fn from(a: &SellerApplication) -> ApplicationView {
        ApplicationView {
            id: a.id,
            user_id: a.user_id,
            shop_name: a.shop_name.clone(),
            description: a.description.clone(),
            status: a.status.as_str(),
            decision_reason: a.decision_reason.clone(),
            created_at: a.created_at.to_rfc3339(),
            decided_at: a.decided_at.map(|t| t.to_rfc3339()),
        }
    }
}

impl Identity {
    /// A buyer asks to sell. One open application at a time; sellers cannot apply again.
    pub async fn apply(
        &self,
        user_id: Uuid,
        shop_name: &str,
        description: &str,
    ) -> Result<SellerApplication, IdentityError> {
        let mut fields = Fields::default();
        let name = fields.check("shop_name", ShopName::parse(shop_name));
        let description = fields.check("description", parse_description(description));
        fields.finish()?;
        let (Some(name), Some(description)) = (name, description) else {
            return Err(IdentityError::Internal("validated fields missing".into()));
        };
        let mut tx = self.begin().await?;
        let user = users::get(&mut tx, user_id).await?;
        if user.status == UserStatus::Disabled {
            return Err(IdentityError::AccountDisabled);
        }
        if user.roles.contains(Role::Seller) {
            return Err(IdentityError::AlreadySeller);
        }
        if sellers::shop_name_taken(&mut tx, name.as_str(), user_id).await? {
            return Err(IdentityError::ShopNameTaken);
        }
        let application = SellerApplication {
            id: agora_core::new_id(),
            user_id,
            shop_name: name.as_str().to_owned(),
            description,
            status: ApplicationStatus::Pending,
            decision_reason: None,
            created_at: Timestamp::now(),
            decided_at: None,
        };
        sellers::insert_application(&mut tx, &application).await?;
        tx.commit().await?;
        tracing::info!(user.id = %user_id, application.id = %application.id, "applied to sell");
        Ok(application)
    }

    /// An admin approves (granting the seller role and profile) or rejects a pending application, once.
    pub async fn decide(
        &self,
        admin_id: Uuid,
        application_id: Uuid,
        approve: bool,
        reason: &str,
    ) -> Result<SellerApplication, IdentityError> {
        self.decide_as(Some(admin_id), application_id, approve, reason).await
    }

    /// An operator with access to the database (`agora seed`) approves an application; recorded as decided
    /// by no account.
    pub async fn approve_as_operator(&self, application_id: Uuid) -> Result<SellerApplication, IdentityError> {
        self.decide_as(None, application_id, true, "").await
    }

    async fn decide_as(
        &self,
        admin: Option<Uuid>,
        application_id: Uuid,
        approve: bool,
        reason: &str,
    ) -> Result<SellerApplication, IdentityError> {
        let reason = reason.trim();
        if !approve && reason.is_empty() {
            return Err(IdentityError::field("reason", "tell the applicant why, so they can apply again"));
        }
        if reason.chars().count() > 1000 {
            return Err(IdentityError::field("reason", "use at most 1000 characters"));
        }
        let mut tx = self.begin().await?;
        let mut application = sellers::get_application(&mut tx, application_id).await?;
        if let Some(admin_id) = admin {
            require_admin(&mut tx, admin_id).await?;
            if application.user_id == admin_id {
                return Err(IdentityError::OwnApplication);
            }
        }
        let status = application.status.decide(approve).map_err(|s| IdentityError::ApplicationDecided(s.as_str()))?;
        let reason = (!reason.is_empty()).then_some(reason);
        if !sellers::decide(&mut tx, application_id, status, admin, reason).await? {
            return Err(IdentityError::ApplicationDecided("decided"));
        }
        let user_id = application.user_id;
        if approve {
            let profile = SellerProfile {
                user_id,
                shop_name: application.shop_name.clone(),
                description: application.description.clone(),
                active: true,
                approved_at: Timestamp::now(),
            };
            let user = users::get_for_update(&mut tx, user_id).await?;
            if user.status == UserStatus::Disabled {
                return Err(IdentityError::ApplicantDisabled);
            }
            sellers::upsert_profile(&mut tx, &profile).await?;
            users::set_roles(&mut tx, user_id, &user.roles.with(Role::Seller)).await?;
            let event = SellerApproved {
                user_id,
                application_id,
                shop_name: profile.shop_name,
                description: profile.description,
            };
            self.outbox.emit(&mut tx, &SellerEvent::Approved(event)).await?;
        } else {
            let event = SellerRejected { user_id, application_id, reason: reason.unwrap_or_default().to_owned() };
            self.outbox.emit(&mut tx, &SellerEvent::Rejected(event)).await?;
        }
        tx.commit().await?;
        tracing::info!(application.id = %application_id, user.id = %user_id, approved = approve, "seller application decided");
        application.status = status;
        application.decision_reason = reason.map(str::to_owned);
        application.decided_at = Some(Timestamp::now());
        Ok(application)
    }

    /// An admin takes the seller role away.
    pub async fn revoke_seller(&self, admin_id: Uuid, user_id: Uuid, reason: &str) -> Result<(), IdentityError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(IdentityError::field("reason", "give a reason of at most 1000 characters"));
        }
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        let user = users::get_for_update(&mut tx, user_id).await?;
        if !user.roles.contains(Role::Seller) {
            return Err(IdentityError::NotASeller);
        }
        users::set_roles(&mut tx, user_id, &user.roles.without(Role::Seller)).await?;
        sellers::revoke_profile(&mut tx, user_id, reason).await?;
        self.outbox.emit(&mut tx, &SellerEvent::Revoked(SellerRevoked { user_id, reason: reason.to_owned() })).await?;
        tx.commit().await?;
        tracing::info!(user.id = %user_id, "seller revoked");
        Ok(())
    }

    /// The caller's latest application.
    pub async fn my_application(&self, user_id: Uuid) -> Result<SellerApplication, IdentityError> {
        let mut conn = self.db.pool().acquire().await?;
        sellers::latest_application(&mut conn, user_id).await?.ok_or(IdentityError::ApplicationNotFound)
    }

    /// An active seller's public profile.
    pub async fn seller(&self, user_id: Uuid) -> Result<SellerProfile, IdentityError> {
        let mut conn = self.db.pool().acquire().await?;
        sellers::find_profile(&mut conn, user_id).await?.filter(|p| p.active).ok_or(IdentityError::SellerNotFound)
    }

    pub async fn applications(
        &self,
        admin_id: Uuid,
        status: ApplicationStatus,
        size: agora_core::PageSize,
        after: Option<&agora_core::Cursor>,
    ) -> Result<agora_core::Page<SellerApplication>, IdentityError> {
        let mut tx = self.begin().await?;
        require_admin(&mut tx, admin_id).await?;
        let page = sellers::list_applications(&mut tx, status, size, after).await?;
        tx.commit().await?;
        Ok(page)
    }
}
