//! Money as integer minor units plus an ISO 4217 currency code. Never floating point.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a money value or operation was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("currency must be a three-letter ISO 4217 code in capitals, got {0:?}")]
    BadCurrency(String),
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount overflows")]
    Overflow,
    #[error("amount must not be negative")]
    Negative,
}

/// An ISO 4217 currency code such as `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a three-letter upper-case code.
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|ch| ch.is_ascii_uppercase()) => Ok(Currency([*a, *b, *c])),
            _ => Err(MoneyError::BadCurrency(code.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        // The bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in the currency's minor unit (cents for EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// Amount in minor units.
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    /// A non-negative amount.
    pub fn new(amount_minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if amount_minor < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Money { amount_minor, currency })
    }

    pub fn zero(currency: Currency) -> Self {
        Money { amount_minor: 0, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        let amount_minor = self.amount_minor.checked_add(other.amount_minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount_minor, currency: self.currency })
    }

    pub fn checked_mul(self, quantity: u32) -> Result<Money, MoneyError> {
        let amount_minor = self.amount_minor.checked_mul(i64::from(quantity)).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount_minor, currency: self.currency })
    }
}

/// Money as APIs answer it: the amount, its currency, and a display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceView {
    pub amount_minor: i64,
    pub currency: String,
    /// For display, e.g. "12.50 EUR".
    pub formatted: String,
}

impl From<Money> for PriceView {
    fn from(m: Money) -> PriceView {
        PriceView { amount_minor: m.amount_minor, currency: m.currency.to_string(), formatted: m.to_string() }
    }
}

impl fmt::Display for Money {
    /// Two-decimal display, right for the common currencies; the storefront formats per currency.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        write!(f, "{sign}{}.{:02} {}", abs / 100, abs % 100, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn currency_codes_must_be_three_capitals() {
        assert!(Currency::parse("eur").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert!(serde_json::from_str::<Currency>("\"US\"").is_err());
        assert_eq!(serde_json::from_str::<Currency>("\"USD\"").unwrap().as_str(), "USD");
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let usd = Money::new(1, Currency::parse("USD").unwrap()).unwrap();
        let err = Money::new(1, eur()).unwrap().checked_add(usd).unwrap_err();
        assert!(matches!(err, MoneyError::CurrencyMismatch(..)));
    }

    #[test]
    fn arithmetic_is_checked_and_displays_minor_units() {
        let price = Money::new(1999, eur()).unwrap();
        assert_eq!(price.checked_mul(3).unwrap().to_string(), "59.97 EUR");
        assert_eq!(Money::new(i64::MAX, eur()).unwrap().checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(Money::new(-1, eur()), Err(MoneyError::Negative));
    }
}
