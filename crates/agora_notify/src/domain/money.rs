//! Money as notifications show it: two decimals and the currency code ("12.50 EUR"), the same form the
//! storefront shows (the `formatted` field of prices). Kept here so what a notification says does not hang
//! on another crate's display choices.

use agora_core::Money;

/// `1250 EUR` minor units → `"12.50 EUR"`; negative amounts keep their sign.
pub fn text(money: Money) -> String {
    let sign = if money.amount_minor < 0 { "-" } else { "" };
    let abs = money.amount_minor.unsigned_abs();
    format!("{sign}{}.{:02} {}", abs / 100, abs % 100, money.currency.as_str())
}

#[cfg(test)]
mod tests {
    use agora_core::Currency;

    use super::*;

    fn eur(amount_minor: i64) -> Money {
        Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
    }

    #[test]
    fn amounts_show_two_decimals_and_the_currency_code() {
        assert_eq!(text(eur(1250)), "12.50 EUR");
        assert_eq!(text(eur(5)), "0.05 EUR");
        assert_eq!(text(eur(100_000)), "1000.00 EUR");
        assert_eq!(text(eur(-1999)), "-19.99 EUR");
    }
}
