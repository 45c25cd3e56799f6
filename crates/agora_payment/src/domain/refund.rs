//! How much of a charge may still go back. The refunds of a charge — each order's share, or the rest of the
//! charge when its checkout is cancelled — never add up to more than the charge took.

use agora_core::Money;

/// Why an order's share cannot be refunded from a charge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareRefused {
    #[error("a refund must be more than nothing (asked {0})")]
    NotPositive(Money),
    #[error("the refund is in {asked}, the charge in {charged}")]
    OtherCurrency { asked: String, charged: String },
    #[error("{asked} is more than the {left} left of the charge")]
    MoreThanLeft { asked: Money, left: Money },
}

/// What is left of a charge of `captured` once `committed_minor` is given back (queued or done).
pub fn left_of(captured: Money, committed_minor: i64) -> Money {
    Money { amount_minor: captured.amount_minor.saturating_sub(committed_minor).max(0), currency: captured.currency }
}

/// Whether `share` may go back from a charge of `captured` that has `committed_minor` given back already.
pub fn check_share(captured: Money, committed_minor: i64, share: Money) -> Result<(), ShareRefused> {
    if share.amount_minor <= 0 {
        return Err(ShareRefused::NotPositive(share));
    }
    if share.currency != captured.currency {
        return Err(ShareRefused::OtherCurrency {
            asked: share.currency.to_string(),
            charged: captured.currency.to_string(),
        });
    }
    let left = left_of(captured, committed_minor);
    if share.amount_minor > left.amount_minor {
        return Err(ShareRefused::MoreThanLeft { asked: share, left });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use agora_core::Currency;

    use super::*;

    fn eur(amount_minor: i64) -> Money {
        Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
    }

    #[test]
    fn shares_fit_until_the_charge_is_used_up() {
        assert_eq!(check_share(eur(5500), 0, eur(2500)), Ok(()));
        assert_eq!(check_share(eur(5500), 2500, eur(3000)), Ok(()));
        assert_eq!(
            check_share(eur(5500), 2500, eur(3001)),
            Err(ShareRefused::MoreThanLeft { asked: eur(3001), left: eur(3000) })
        );
        assert_eq!(left_of(eur(5500), 5500), eur(0));
        assert_eq!(left_of(eur(5500), 9000), eur(0));
    }

    #[test]
    fn empty_and_foreign_shares_are_refused() {
        assert!(matches!(check_share(eur(5500), 0, eur(0)), Err(ShareRefused::NotPositive(_))));
        assert!(matches!(check_share(eur(5500), 0, eur(-1)), Err(ShareRefused::NotPositive(_))));
        let usd = Money { amount_minor: 100, currency: Currency::parse("USD").unwrap() };
        let refused = check_share(eur(5500), 0, usd).unwrap_err();
        assert_eq!(refused.to_string(), "the refund is in USD, the charge in EUR");
    }
}
