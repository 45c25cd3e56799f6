//! Placing a checkout from the buyer's cart (design §5, step 1). The buyer's Idempotency-Key names the
//! checkout: the same key answers the same checkout, however often and however concurrently it is sent.
//! Prices, totals and sellers come from order's read model of the catalog — the request carries only the
//! address — and the cart is split into one order per seller.

use std::collections::BTreeMap;

use agora_core::{Money, Timestamp};
use agora_events::order::{CheckoutEvent, CheckoutLine, CheckoutPlaced, OrderEvent, OrderPlaced, OrderShare};
use agora_http::Caller;
use serde::Deserialize;
use uuid::Uuid;

use super::Orders;
use super::views::CheckoutView;
use crate::cart::CartLine;
use crate::domain::error::UnavailableLine;
use crate::domain::{CheckoutStatus, OrderError, OrderStatus};
use crate::store::checkouts::{self, Checkout};
use crate::store::orders::{self, AfterSale, Line, Order};
use crate::store::{addresses, products};

/// What the buyer sends to check out. Anything else in the body (a price, an amount) is ignored: the
/// server prices every line.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CheckoutInput {
    /// One of the buyer's saved addresses.
    pub address_id: Uuid,
}

/// A cart line priced by the read model.
struct Priced {
    seller_id: Uuid,
    line: Line,
}

/// Longest Idempotency-Key accepted.
const MAX_KEY_LEN: usize = 100;

fn idempotency_key(key: Option<&str>) -> Result<&str, OrderError> {
    match key.map(str::trim) {
        Some(key) if !key.is_empty() && key.len() <= MAX_KEY_LEN && key.chars().all(|c| c.is_ascii_graphic()) => {
            Ok(key)
        }
        _ => Err(OrderError::IdempotencyKey),
    }
}

impl Orders {
    /// Places a checkout, or answers the one this key placed before (`false`: not new).
    pub async fn place_checkout(
        &self,
        caller: &Caller,
        token: &str,
        key: Option<&str>,
        input: &CheckoutInput,
    ) -> Result<(CheckoutView, bool), OrderError> {
        let key = idempotency_key(key)?;
        let buyer_id = caller.user_id;
        if let Some(existing) = self.checkout_by_key(buyer_id, key).await? {
            return Ok((self.checkout_view(existing).await?, false));
        }
        let address = {
            let mut conn = self.db.pool().acquire().await?;
            addresses::find(&mut conn, buyer_id, input.address_id).await?
        };
        let address = address.ok_or(OrderError::AddressNotFound)?.address;
        let cart = self.cart.cart(token).await?;
        if cart.items.is_empty() {
            return Err(OrderError::CartEmpty);
        }
        let (priced, unavailable) = self.price(buyer_id, &cart.items).await?;
        if !unavailable.is_empty() {
            return Err(OrderError::ProductsUnavailable(unavailable));
        }

        let now = Timestamp::now();
        let checkout_id = Uuid::now_v7();
        let mut by_seller: BTreeMap<Uuid, Vec<Line>> = BTreeMap::new();
        for p in priced {
            by_seller.entry(p.seller_id).or_default().push(p.line);
        }
        let mut total = Money::zero(self.currency);
        let mut shares = Vec::new();
        let mut event_lines = Vec::new();
        let mut new_orders = Vec::new();
        for (seller_id, lines) in by_seller {
            let order_total = sum(lines.iter().map(|l| l.line_total), self.currency)?;
            total = total.checked_add(order_total).map_err(money_error)?;
            let order = Order {
                id: Uuid::now_v7(),
                checkout_id,
                buyer_id,
                seller_id,
                status: OrderStatus::Pending,
                total: order_total,
                created_at: now,
                updated_at: now,
                after_sale: AfterSale::default(),
            };
            event_lines.extend(lines.iter().map(|l| CheckoutLine {
                order_id: order.id,
                product_id: l.product_id,
                seller_id,
                title: l.title.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                line_total: l.line_total,
            }));
            shares.push(OrderShare { order_id: order.id, seller_id, total: order_total });
            new_orders.push((order, lines));
        }
        let checkout = Checkout {
            id: checkout_id,
            buyer_id,
            idempotency_key: key.to_owned(),
            status: CheckoutStatus::Pending,
            total,
            address,
            short: Vec::new(),
            cancel_reason: None,
            payment_id: None,
            payment_error: None,
            pay_by: None,
            created_at: now,
            updated_at: now,
        };

        let mut tx = self.begin().await?;
        if !checkouts::insert(&mut tx, &checkout).await? {
            // The same key won a race with this request: its checkout is the answer.
            tx.rollback().await?;
            let existing = self.checkout_by_key(buyer_id, key).await?.ok_or(OrderError::CheckoutNotFound)?;
            return Ok((self.checkout_view(existing).await?, false));
        }
        for (order, lines) in &new_orders {
            orders::insert(&mut tx, order, lines).await?;
            orders::record(&mut tx, order.id, "placed", "Order placed").await?;
            let lines = event_lines.iter().filter(|l| l.order_id == order.id).cloned().collect();
            let placed = OrderPlaced {
                order_id: order.id,
                checkout_id,
                buyer_id,
                seller_id: order.seller_id,
                lines,
                total: order.total,
            };
            self.outbox.emit(&mut tx, &OrderEvent::Placed(placed)).await?;
        }
        let placed =
            CheckoutPlaced { checkout_id, buyer_id, lines: event_lines, orders: shares, total, placed_at: now };
        self.outbox.emit(&mut tx, &CheckoutEvent::Placed(placed)).await?;
        tx.commit().await?;
        metrics::counter!("agora_order_checkouts_total", "outcome" => "placed").increment(1);
        tracing::info!(checkout.id = %checkout_id, orders = new_orders.len(), "checkout placed");
        Ok((self.checkout_view(checkout).await?, true))
    }

    /// The buyer's cart as checking out would price it now, with what cannot be bought named.
    pub async fn preview(&self, caller: &Caller, token: &str) -> Result<CheckoutView, OrderError> {
        let cart = self.cart.cart(token).await?;
        let (priced, unavailable) = self.price(caller.user_id, &cart.items).await?;
        let now = Timestamp::now();
        let mut by_seller: BTreeMap<Uuid, Vec<Line>> = BTreeMap::new();
        for p in priced {
            by_seller.entry(p.seller_id).or_default().push(p.line);
        }
        let mut total = Money::zero(self.currency);
        let mut groups = Vec::new();
        for (seller_id, lines) in by_seller {
            let order_total = sum(lines.iter().map(|l| l.line_total), self.currency)?;
            total = total.checked_add(order_total).map_err(money_error)?;
            let order = Order {
                id: Uuid::nil(),
                checkout_id: Uuid::nil(),
                buyer_id: caller.user_id,
                seller_id,
                status: OrderStatus::Pending,
                total: order_total,
                created_at: now,
                updated_at: now,
                after_sale: AfterSale::default(),
            };
            groups.push((order, lines));
        }
        self.preview_view(total, groups, unavailable).await
    }

    async fn checkout_by_key(&self, buyer_id: Uuid, key: &str) -> Result<Option<Checkout>, OrderError> {
        let mut conn = self.db.pool().acquire().await?;
        checkouts::find_by_key(&mut conn, buyer_id, key).await
    }

    /// Prices cart lines from the read model; lines that cannot be bought are named instead.
    async fn price(
        &self,
        buyer_id: Uuid,
        cart: &[CartLine],
    ) -> Result<(Vec<Priced>, Vec<UnavailableLine>), OrderError> {
        let ids: Vec<Uuid> = cart.iter().map(|l| l.product_id).collect();
        let known = {
            let mut conn = self.db.pool().acquire().await?;
            products::find_many(&mut conn, &ids).await?
        };
        let mut priced = Vec::new();
        let mut unavailable = Vec::new();
        for item in cart {
            let product = known.get(&item.product_id);
            let reason = match product {
                Some(p) if p.seller_id == buyer_id => Some("own_product"),
                Some(p) if p.for_sale && p.price.currency == self.currency => None,
                _ => Some("not_for_sale"),
            };
            let (Some(product), None) = (product, reason) else {
                let title = product.map(|p| p.title.clone()).unwrap_or_default();
                unavailable.push(UnavailableLine { product_id: item.product_id, title, reason: reason.unwrap_or("") });
                continue;
            };
            let quantity = u32::try_from(item.quantity).ok().filter(|q| (1..=999).contains(q)).ok_or_else(|| {
                OrderError::Internal(format!("cart line of {} has quantity {}", item.product_id, item.quantity))
            })?;
            let line_total = product.price.checked_mul(quantity).map_err(money_error)?;
            let price_seen = item
                .added_price
                .filter(|seen| seen.amount_minor != product.price.amount_minor)
                .map(|seen| Money { amount_minor: seen.amount_minor, currency: self.currency });
            priced.push(Priced {
                seller_id: product.seller_id,
                line: Line {
                    product_id: product.id,
                    title: product.title.clone(),
                    quantity: item.quantity,
                    unit_price: product.price,
                    line_total,
                    price_seen,
                    thumbnail: product.thumbnail.clone(),
                },
            });
        }
        Ok((priced, unavailable))
    }
}

fn sum(mut amounts: impl Iterator<Item = Money>, currency: agora_core::Currency) -> Result<Money, OrderError> {
    amounts.try_fold(Money::zero(currency), |acc, m| acc.checked_add(m)).map_err(money_error)
}

fn money_error(err: agora_core::MoneyError) -> OrderError {
    OrderError::Internal(format!("pricing a checkout: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idempotency_key_is_required_and_bounded() {
        assert!(idempotency_key(None).is_err());
        assert!(idempotency_key(Some("  ")).is_err());
        assert!(idempotency_key(Some(&"k".repeat(101))).is_err());
        assert!(idempotency_key(Some("key with spaces")).is_err());
        assert_eq!(idempotency_key(Some(" 0b6c1f2e ")).unwrap(), "0b6c1f2e");
    }
}
