//! Events of the identity service: accounts and sellers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person created an account (every new account is a buyer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserRegistered {
    pub user_id: Uuid,
    /// Normalised (lower-case) email address, for notification delivery.
    pub email: String,
    pub display_name: String,
}

/// An admin disabled an account: its sessions are revoked and it can no longer sign in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountDisabled {
    pub user_id: Uuid,
    pub reason: String,
}

/// An admin approved a seller application: the user now has the seller role and this shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SellerApproved {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub shop_name: String,
    pub description: String,
}

/// An admin rejected a seller application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SellerRejected {
    pub user_id: Uuid,
    pub application_id: Uuid,
    pub reason: String,
}

/// An admin took the seller role away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SellerRevoked {
    pub user_id: Uuid,
    pub reason: String,
}

subject_is!(user_id: UserRegistered, AccountDisabled, SellerApproved, SellerRejected, SellerRevoked);

crate::topic! {
    /// Accounts: registrations and their disabling, keyed by user id.
    pub enum UserEvent = "identity.users" {
        Registered(UserRegistered) = "agora.identity.user_registered.v1",
        Disabled(AccountDisabled) = "agora.identity.account_disabled.v1",
    }
}

crate::topic! {
    /// Seller applications decided and seller roles revoked, keyed by user id.
    pub enum SellerEvent = "identity.sellers" {
        Approved(SellerApproved) = "agora.identity.seller_approved.v1",
        Rejected(SellerRejected) = "agora.identity.seller_rejected.v1",
        Revoked(SellerRevoked) = "agora.identity.seller_revoked.v1",
    }
}
