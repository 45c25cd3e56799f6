//! What a buyer pays with: card details for the simulated provider, or a provider's payment-method id for
//! the Stripe-compatible one. A card number lives only as long as the request: it is never stored, logged
//! or printed (its `Debug` shows the brand and last four digits).

use std::fmt;

use agora_core::Timestamp;
use serde::Deserialize;

use super::{Fields, PaymentError};

/// An attempt's body as sent. Not `deny_unknown_fields`: any other field (an `amount`, say) is ignored,
/// because the amount only ever comes from the checkout.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AttemptInput {
    /// Simulated provider: the card number (spaces allowed). Test cards: `4242 4242 4242 4242` succeeds,
    /// `4000 0000 0000 0002` is declined, `4000 0000 0000 9995` has insufficient funds, `4000 0000 0000 3220`
    /// completes later by webhook.
    pub card_number: Option<String>,
    pub exp_month: Option<i64>,
    /// Four digits (two are read as 20xx).
    pub exp_year: Option<i64>,
    pub cvc: Option<String>,
    pub cardholder: Option<String>,
    /// Stripe-compatible provider: the payment method's id (`pm_…`), made by the provider's client library.
    pub payment_method: Option<String>,
}

impl fmt::Debug for AttemptInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptInput").field("payment_method", &self.payment_method).finish_non_exhaustive()
    }
}

/// Which input a provider takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    Card,
    PaymentMethodId,
}

/// A validated way to pay.
#[derive(Debug, Clone)]
pub enum PaymentMethod {
    Card(Card),
    /// A provider's payment-method id.
    Id(String),
}

impl PaymentMethod {
    pub fn parse(kind: MethodKind, input: &AttemptInput, today: Timestamp) -> Result<PaymentMethod, PaymentError> {
        match kind {
            MethodKind::Card => Card::parse(input, today).map(PaymentMethod::Card),
            MethodKind::PaymentMethodId => {
                let id = input.payment_method.as_deref().unwrap_or("").trim();
                let valid =
                    !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err(PaymentError::field("payment_method", "send the payment method id (pm_…)"));
                }
                Ok(PaymentMethod::Id(id.to_owned()))
            }
        }
    }

    /// The card brand and last four digits, what is kept of a card.
    pub fn card_summary(&self) -> (Option<&'static str>, Option<String>) {
        match self {
            PaymentMethod::Card(card) => (Some(card.brand), Some(card.last4())),
            PaymentMethod::Id(_) => (None, None),
        }
    }
}

/// A card that passed validation.
#[derive(Clone)]
pub struct Card {
    number: String,
    pub brand: &'static str,
    pub exp_month: u8,
    pub exp_year: i32,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Card({} •••• {})", self.brand, self.last4())
    }
}

impl Card {
    pub fn parse(input: &AttemptInput, today: Timestamp) -> Result<Card, PaymentError> {
        let mut fields = Fields::default();
        let number = fields.check("card_number", card_number(input.card_number.as_deref()));
        let month = fields.check("exp_month", exp_month(input.exp_month));
        let year = fields.check("exp_year", exp_year(input.exp_year));
        if let (Some(month), Some(year)) = (month, year) {
            let now = today.inner();
            if (year, month) < (now.year(), u8::from(now.month())) {
                fields.push("exp_year", "the card has expired");
            }
        }
        fields.check("cvc", cvc(input.cvc.as_deref()));
        fields.check("cardholder", cardholder(input.cardholder.as_deref()));
        fields.finish()?;
        match (number, month, year) {
            (Some(number), Some(exp_month), Some(exp_year)) => {
                Ok(Card { brand: brand(&number), number, exp_month, exp_year })
            }
            _ => Err(PaymentError::Internal("card fields checked but missing".to_owned())),
        }
    }

    /// The digits, for the provider call only.
    pub fn number(&self) -> &str {
        &self.number
    }

    pub fn last4(&self) -> String {
        self.number[self.number.len().saturating_sub(4)..].to_owned()
    }
}

fn card_number(text: Option<&str>) -> Result<String, String> {
    let text = text.unwrap_or("");
    if text.trim().is_empty() {
        return Err("enter the card number".to_owned());
    }
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !(12..=19).contains(&digits.len()) || !luhn(&digits) {
        return Err("this is not a valid card number".to_owned());
    }
    Ok(digits)
}

/// The Luhn checksum every card number carries.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn exp_month(month: Option<i64>) -> Result<u8, String> {
    match month {
        Some(m @ 1..=12) => u8::try_from(m).map_err(|e| e.to_string()),
        Some(_) => Err("use a month from 1 to 12".to_owned()),
        None => Err("enter the expiry month".to_owned()),
    }
}

fn exp_year(year: Option<i64>) -> Result<i32, String> {
    match year {
        Some(y @ 0..=99) => i32::try_from(2000 + y).map_err(|e| e.to_string()),
        Some(y @ 2000..=2199) => i32::try_from(y).map_err(|e| e.to_string()),
        Some(_) => Err("use the four-digit year".to_owned()),
        None => Err("enter the expiry year".to_owned()),
    }
}

fn cvc(text: Option<&str>) -> Result<(), String> {
    let text = text.unwrap_or("").trim();
    if (3..=4).contains(&text.len()) && text.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("enter the 3 or 4 digits on the card".to_owned())
    }
}

fn cardholder(text: Option<&str>) -> Result<(), String> {
    let text = text.unwrap_or("").trim();
    if text.is_empty() {
        return Err("enter the name on the card".to_owned());
    }
    if text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err("use at most 100 characters, without control characters".to_owned());
    }
    Ok(())
}

fn brand(digits: &str) -> &'static str {
    let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    match () {
        () if digits.starts_with('4') => "visa",
        () if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "mastercard",
        () if matches!(prefix(2), 34 | 37) => "amex",
        () if prefix(4) == 6011 || prefix(2) == 65 => "discover",
        () => "card",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(number: &str) -> AttemptInput {
        AttemptInput {
            card_number: Some(number.to_owned()),
            exp_month: Some(12),
            exp_year: Some(2099),
            cvc: Some("123".to_owned()),
            cardholder: Some("Ada Lovelace".to_owned()),
            payment_method: None,
        }
    }

    fn fields(err: PaymentError) -> Vec<String> {
        let PaymentError::Invalid(fields) = err else { panic!("{err}") };
        fields.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn test_cards_pass_and_only_their_last_digits_show() {
        let card = Card::parse(&input("4242 4242 4242 4242"), Timestamp::now()).unwrap();
        assert_eq!((card.brand, card.last4().as_str()), ("visa", "4242"));
        assert_eq!(format!("{card:?}"), "Card(visa •••• 4242)");
        assert!(!format!("{:?}", input("4242 4242 4242 4242")).contains("4242"));
        assert_eq!(brand("5555555555554444"), "mastercard");
        assert_eq!(brand("378282246310005"), "amex");
    }

    #[test]
    fn numbers_failing_luhn_and_bad_dates_are_named() {
        assert_eq!(fields(Card::parse(&input("4242 4242 4242 4241"), Timestamp::now()).unwrap_err()), ["card_number"]);
        let bad = AttemptInput { exp_month: Some(13), exp_year: Some(2001), cvc: Some("12".into()), ..input("1") };
        assert_eq!(fields(Card::parse(&bad, Timestamp::now()).unwrap_err()), ["card_number", "exp_month", "cvc"]);
        let expired = AttemptInput { exp_year: Some(2001), ..input("4242424242424242") };
        assert_eq!(fields(Card::parse(&expired, Timestamp::now()).unwrap_err()), ["exp_year"]);
        assert_eq!(
            fields(Card::parse(&AttemptInput::default(), Timestamp::now()).unwrap_err()),
            ["card_number", "exp_month", "exp_year", "cvc", "cardholder"]
        );
    }

    #[test]
    fn a_payment_method_id_is_required_for_stripe() {
        let ok = AttemptInput { payment_method: Some("pm_card_visa".into()), ..AttemptInput::default() };
        assert!(matches!(
            PaymentMethod::parse(MethodKind::PaymentMethodId, &ok, Timestamp::now()),
            Ok(PaymentMethod::Id(id)) if id == "pm_card_visa"
        ));
        let missing = PaymentMethod::parse(MethodKind::PaymentMethodId, &AttemptInput::default(), Timestamp::now());
        assert_eq!(fields(missing.unwrap_err()), ["payment_method"]);
    }
}
