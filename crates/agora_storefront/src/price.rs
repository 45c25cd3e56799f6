//! Prices as people type and read them ("12.50", "12,5", "12") turned into minor units and back, by string
//! arithmetic only: money never passes through floating point. Every marketplace currency has two decimals
//! here, as `agora_core::Money` displays them. [`Amount`] is money as the services answer it.

/// An amount as the buying services show it: minor units, currency, and the text to print ("12.50 EUR").
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Amount {
    pub amount_minor: i64,
    pub currency: String,
    pub formatted: String,
}

/// Why a typed price was not understood. The messages are shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("Enter a price in numbers, like 12.50.")]
    NotANumber,
    #[error("Use at most two decimals, like 12.50.")]
    TooManyDecimals,
    #[error("A price cannot be negative.")]
    Negative,
    #[error("That price is too large.")]
    TooLarge,
}

const DECIMALS: usize = 2;

/// Parses a price in major units into minor units; `None` when nothing was typed.
pub fn parse_major(text: &str) -> Result<Option<i64>, PriceError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = text.strip_prefix('-') {
        return match parse_major(rest) {
            Ok(_) if !rest.trim().is_empty() => Err(PriceError::Negative),
            _ => Err(PriceError::NotANumber),
        };
    }
    let (whole, fraction) = match text.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return Err(PriceError::NotANumber);
    }
    if text.contains(['.', ',']) && fraction.is_empty() {
        return Err(PriceError::NotANumber);
    }
    if fraction.len() > DECIMALS {
        return Err(PriceError::TooManyDecimals);
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| PriceError::TooLarge)? };
    let padded = format!("{fraction:0<DECIMALS$}");
    let cents: i64 = padded.parse().map_err(|_| PriceError::NotANumber)?;
    whole.checked_mul(100).and_then(|w| w.checked_add(cents)).map(Some).ok_or(PriceError::TooLarge)
}

/// Minor units in major units with two decimals, as the price field shows them ("12.50").
pub fn format_major(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_prices_become_minor_units() {
        for (text, minor) in [("12.50", 1250), ("12,5", 1250), ("12", 1200), (" 0.07 ", 7), (".5", 50), ("0", 0)] {
            assert_eq!(parse_major(text), Ok(Some(minor)), "{text:?}");
        }
        assert_eq!(parse_major("  "), Ok(None));
    }

    #[test]
    fn prices_that_are_not_prices_are_refused_with_a_reason() {
        for text in ["twelve", "12.", "1.2.3", "12 50", "1e3", "+5", "€5", "."] {
            assert_eq!(parse_major(text), Err(PriceError::NotANumber), "{text:?}");
        }
        assert_eq!(parse_major("12.505"), Err(PriceError::TooManyDecimals));
        assert_eq!(parse_major("-3"), Err(PriceError::Negative));
        assert_eq!(parse_major("99999999999999999999"), Err(PriceError::TooLarge));
        assert_eq!(parse_major("92233720368547758.08"), Err(PriceError::TooLarge));
    }

    #[test]
    fn minor_units_show_with_two_decimals() {
        assert_eq!(format_major(1250), "12.50");
        assert_eq!(format_major(7), "0.07");
        assert_eq!(format_major(parse_major("3,4").unwrap().unwrap()), "3.40");
    }
}
