//! Stock holds: a checkout's units set aside until it pays (confirm), gives up (release) or runs out of
//! time (expire). A hold's id is the caller's idempotency key.

use std::collections::BTreeMap;

use agora_core::Timestamp;
use agora_events::catalog::{HoldLine, ShortLine};
use agora_events::order::CheckoutLine;
use serde::Deserialize;
use uuid::Uuid;

use super::{CatalogError, Fields};

pub const MAX_LINES: usize = 100;
pub const MAX_LINE_QUANTITY: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldStatus {
    Placed,
    Rejected,
    Confirmed,
    Released,
    Expired,
}

impl HoldStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldStatus::Placed => "placed",
            HoldStatus::Rejected => "rejected",
            HoldStatus::Confirmed => "confirmed",
            HoldStatus::Released => "released",
            HoldStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<HoldStatus> {
        [Self::Placed, Self::Rejected, Self::Confirmed, Self::Released, Self::Expired]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The state after `to`, or the error naming the current state. Ending a hold the same way twice is
    /// allowed (and changes nothing), so a retried request gets the same answer.
    pub fn end(self, to: HoldStatus) -> Result<Transition, CatalogError> {
        match (self, to) {
            (from, to) if from == to => Ok(Transition::Already),
            (HoldStatus::Placed, HoldStatus::Confirmed | HoldStatus::Released | HoldStatus::Expired) => {
                Ok(Transition::Apply)
            }
            (from, _) => Err(CatalogError::HoldNotActive(from.as_str())),
        }
    }
}

/// Whether an ending changes anything.
#[derive(Debug, PartialEq, Eq)]
pub enum Transition {
    Apply,
    Already,
}

/// A hold as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub status: HoldStatus,
    pub lines: Vec<HoldLine>,
    pub short: Vec<ShortLine>,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
}

/// A request to hold stock, as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldInput {
    /// Chosen by the caller (a UUID); sending the same id again returns the first outcome.
    pub id: Uuid,
    pub lines: Vec<HoldLineInput>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldLineInput {
    pub product_id: Uuid,
    pub quantity: i64,
}

/// A validated hold request: lines sorted by product id (the order rows are locked in, so concurrent holds
/// cannot deadlock), one line per product.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldRequest {
    pub id: Uuid,
    pub lines: Vec<HoldLine>,
}

impl HoldRequest {
    pub fn parse(input: &HoldInput) -> Result<HoldRequest, CatalogError> {
        let mut fields = Fields::default();
        if input.lines.is_empty() {
            fields.push("lines", "add at least one line");
        }
        if input.lines.len() > MAX_LINES {
            fields.push("lines", format!("use at most {MAX_LINES} lines"));
        }
        let mut merged: BTreeMap<Uuid, i64> = BTreeMap::new();
        for (i, line) in input.lines.iter().enumerate() {
            if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
                fields.push(&format!("lines[{i}].quantity"), format!("hold between 1 and {MAX_LINE_QUANTITY} units"));
            }
            if merged.insert(line.product_id, line.quantity).is_some() {
                fields.push(&format!("lines[{i}].product_id"), "this product is already in another line");
            }
        }
        fields.finish()?;
        let lines = merged.into_iter().map(|(product_id, quantity)| HoldLine { product_id, quantity }).collect();
        Ok(HoldRequest { id: input.id, lines })
    }

    /// The hold of a checkout: its id, and its lines' units added up per product.
    pub fn for_checkout(checkout_id: Uuid, lines: &[CheckoutLine]) -> Result<HoldRequest, CatalogError> {
        let mut merged: BTreeMap<Uuid, i64> = BTreeMap::new();
        for line in lines {
            *merged.entry(line.product_id).or_default() += line.quantity;
        }
        let input = HoldInput {
            id: checkout_id,
            lines: merged.into_iter().map(|(product_id, quantity)| HoldLineInput { product_id, quantity }).collect(),
        };
        HoldRequest::parse(&input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placed_hold_ends_once_and_repeating_the_same_end_changes_nothing() {
        assert_eq!(HoldStatus::Placed.end(HoldStatus::Confirmed).unwrap(), Transition::Apply);
        assert_eq!(HoldStatus::Confirmed.end(HoldStatus::Confirmed).unwrap(), Transition::Already);
        assert!(matches!(
            HoldStatus::Confirmed.end(HoldStatus::Released),
            Err(CatalogError::HoldNotActive("confirmed"))
        ));
        assert!(HoldStatus::Rejected.end(HoldStatus::Confirmed).is_err());
    }

    #[test]
    fn lines_are_sorted_and_checked() {
        let a = Uuid::from_u128(2);
        let b = Uuid::from_u128(1);
        let input = HoldInput {
            id: Uuid::nil(),
            lines: vec![HoldLineInput { product_id: a, quantity: 1 }, HoldLineInput { product_id: b, quantity: 2 }],
        };
        let request = HoldRequest::parse(&input).unwrap();
        assert_eq!(request.lines[0].product_id, b);
        let dup = HoldInput {
            id: Uuid::nil(),
            lines: vec![HoldLineInput { product_id: a, quantity: 0 }, HoldLineInput { product_id: a, quantity: 1 }],
        };
        let CatalogError::Invalid(fields) = HoldRequest::parse(&dup).unwrap_err() else { panic!() };
        assert_eq!(fields.len(), 2);
    }
}
