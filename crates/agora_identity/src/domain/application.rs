//! Applying to sell: a buyer proposes a shop; an admin approves or rejects it, once.

use agora_core::Timestamp;
use uuid::Uuid;

/// A shop's public name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopName(String);

impl ShopName {
    pub fn parse(input: &str) -> Result<ShopName, &'static str> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            0 => Err("enter your shop's name"),
            1 => Err("use at least 2 characters"),
            n if n > 60 => Err("use at most 60 characters"),
            _ if name.chars().any(char::is_control) => Err("use letters, digits and punctuation only"),
            _ => Ok(ShopName(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Two shops may not differ only by case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Checks a shop description: what the shop sells, in a few sentences.
pub fn parse_description(input: &str) -> Result<String, &'static str> {
    let text = input.trim();
    match text.chars().count() {
        0..20 => Err("tell buyers what you sell in at least 20 characters"),
        n if n > 2000 => Err("use at most 2000 characters"),
        _ => Ok(text.to_owned()),
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(stored: &str) -> Option<ApplicationStatus> {
        match stored {
            "pending" => Some(ApplicationStatus::Pending),
            "approved" => Some(ApplicationStatus::Approved),
            "rejected" => Some(ApplicationStatus::Rejected),
            _ => None,
        }
    }

    /// Only a pending application can be decided.
    pub fn decide(self, approve: bool) -> Result<ApplicationStatus, ApplicationStatus> {
        match (self, approve) {
            (ApplicationStatus::Pending, true) => Ok(ApplicationStatus::Approved),
            (ApplicationStatus::Pending, false) => Ok(ApplicationStatus::Rejected),
            (decided, _) => Err(decided),
        }
    }
}

/// An application to sell.
#[derive(Debug, Clone)]
pub struct SellerApplication {
    pub id: Uuid,
    pub user_id: Uuid,
    pub shop_name: String,
    pub description: String,
    pub status: ApplicationStatus,
    pub decision_reason: Option<String>,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_decided_once() {
        let approved = ApplicationStatus::Pending.decide(true).unwrap();
        assert_eq!(approved, ApplicationStatus::Approved);
        assert_eq!(approved.decide(false), Err(ApplicationStatus::Approved));
    }

    #[test]
    fn shop_names_compare_without_case() {
        assert_eq!(ShopName::parse(" The  Tea House ").unwrap().key(), "the tea house");
        assert!(ShopName::parse("x").is_err());
        assert!(parse_description("tea").is_err());
    }
}
