//! Accounts and their roles.

use agora_core::Timestamp;
use agora_http::Role;
use uuid::Uuid;

/// A name shown to other people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, &'static str> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            0 => Err("enter the name other people will see"),
            n if n > 60 => Err("use at most 60 characters"),
            _ if name.chars().any(char::is_control) => Err("use letters, digits and punctuation only"),
            _ => Ok(DisplayName(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The roles of an account, stored as sorted space-separated names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn buyer() -> RoleSet {
        RoleSet(vec![Role::Buyer])
    }

    pub fn parse(stored: &str) -> RoleSet {
        let mut roles: Vec<Role> = stored.split_whitespace().filter_map(Role::parse).collect();
        roles.sort();
        roles.dedup();
        RoleSet(roles)
    }

    pub fn with(mut self, role: Role) -> RoleSet {
        if !self.0.contains(&role) {
            self.0.push(role);
            self.0.sort();
        }
        self
    }

    pub fn without(mut self, role: Role) -> RoleSet {
        self.0.retain(|r| *r != role);
        self
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn to_vec(&self) -> Vec<Role> {
        self.0.clone()
    }

    pub fn stored(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// Whether an account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }

    pub fn parse(stored: &str) -> UserStatus {
        if stored == "disabled" { UserStatus::Disabled } else { UserStatus::Active }
    }
}

/// An account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: RoleSet,
    pub status: UserStatus,
    pub disabled_reason: Option<String>,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets_are_sorted_and_unique() {
        let roles = RoleSet::parse("seller buyer seller bogus").with(Role::Admin);
        assert_eq!(roles.stored(), "buyer seller admin");
        assert_eq!(roles.without(Role::Seller).stored(), "buyer admin");
    }

    #[test]
    fn display_names_collapse_spaces_and_are_bounded() {
        assert_eq!(DisplayName::parse("  Ada   Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
    }
}
