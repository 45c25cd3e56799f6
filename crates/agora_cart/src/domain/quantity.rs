//! [`Quantity`]: units of one product in a cart, at least one and at most the configured maximum.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    /// Parses what a shopper asked for; the message says what is allowed.
    pub fn try_new(value: i64, max: u32) -> Result<Quantity, String> {
        if value < 1 {
            return Err("add at least one".to_owned());
        }
        match u32::try_from(value) {
            Ok(units) if units <= max => Ok(Quantity(units)),
            _ => Err(format!("at most {max} of one product fit in a cart")),
        }
    }

    /// A quantity read back from storage, where only valid ones are written.
    pub fn stored(value: i64) -> Option<Quantity> {
        u32::try_from(value).ok().filter(|units| *units >= 1).map(Quantity)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quantity_is_between_one_and_the_maximum() {
        assert_eq!(Quantity::try_new(1, 99).map(Quantity::get), Ok(1));
        assert_eq!(Quantity::try_new(99, 99).map(Quantity::get), Ok(99));
        assert!(Quantity::try_new(0, 99).is_err());
        assert!(Quantity::try_new(-3, 99).is_err());
        assert!(Quantity::try_new(100, 99).is_err());
        assert!(Quantity::try_new(i64::MAX, 99).is_err());
    }
}
