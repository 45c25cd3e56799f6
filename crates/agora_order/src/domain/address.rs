//! Shipping addresses: validated fields, never a free-form blob. An order keeps a copy of the address it
//! was placed with, so editing or deleting an address never changes a past order.

use agora_http::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::OrderError;

/// An address as the buyer sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub full_name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    /// State, province or county, where the country uses one.
    #[serde(default)]
    pub region: String,
    /// ISO 3166-1 alpha-2 code, e.g. `DE`.
    pub country: String,
    #[serde(default)]
    pub phone: String,
}

/// A validated address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub full_name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub region: String,
    pub country: String,
    pub phone: String,
}

/// A buyer's saved address.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedAddress {
    pub id: Uuid,
    #[serde(flatten)]
    pub address: Address,
}

impl AddressInput {
    /// Checks every field at once; the error names each bad one.
    pub fn parse(&self) -> Result<Address, OrderError> {
        let mut errors = Vec::new();
        let mut field = |name: &str, value: &str, min: usize, max: usize| match text(value, min, max) {
            Ok(text) => text,
            Err(message) => {
                errors.push(FieldError::new(name, message));
                String::new()
            }
        };
        let address = Address {
            full_name: field("full_name", &self.full_name, 1, 100),
            line1: field("line1", &self.line1, 1, 200),
            line2: field("line2", &self.line2, 0, 200),
            city: field("city", &self.city, 1, 100),
            postal_code: field("postal_code", &self.postal_code, 1, 20),
            region: field("region", &self.region, 0, 100),
            country: field("country", &self.country, 2, 2).to_ascii_uppercase(),
            phone: field("phone", &self.phone, 0, 30),
        };
        if !address.country.is_empty() && !address.country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(FieldError::new("country", "use the two-letter country code, such as DE or FR"));
        }
        let postal_ok = |c: char| c.is_ascii_alphanumeric() || c == ' ' || c == '-';
        if !address.postal_code.chars().all(postal_ok) {
            errors.push(FieldError::new("postal_code", "use letters, digits, spaces and hyphens only"));
        }
        let phone_ok = |c: char| c.is_ascii_digit() || " +-()/".contains(c);
        if !address.phone.chars().all(phone_ok) {
            errors.push(FieldError::new("phone", "use digits, spaces and + - ( ) only"));
        }
        if errors.is_empty() { Ok(address) } else { Err(OrderError::Invalid(errors)) }
    }
}

/// Trims `value` and checks its length in characters and that it has no control characters.
pub(crate) fn text(value: &str, min: usize, max: usize) -> Result<String, String> {
    let value = value.trim();
    let len = value.chars().count();
    if len < min {
        return Err(if min == 1 { "fill this in".to_owned() } else { format!("use {min} characters") });
    }
    if len > max {
        return Err(format!("use at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err("remove line breaks and control characters".to_owned());
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AddressInput {
        AddressInput {
            full_name: " Ada Lovelace ".into(),
            line1: "12 St James's Square".into(),
            line2: String::new(),
            city: "London".into(),
            postal_code: "SW1Y 4JH".into(),
            region: String::new(),
            country: "gb".into(),
            phone: "+44 20 7946 0000".into(),
        }
    }

    #[test]
    fn a_good_address_is_trimmed_and_its_country_upper_cased() {
        let address = input().parse().unwrap();
        assert_eq!(address.full_name, "Ada Lovelace");
        assert_eq!(address.country, "GB");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = AddressInput { city: String::new(), country: "Germany".into(), phone: "call me".into(), ..input() };
        let OrderError::Invalid(errors) = bad.parse().unwrap_err() else { panic!("not a validation error") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["city", "country", "phone"]);
    }
}
