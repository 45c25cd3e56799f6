//! Units of a paid order that was cancelled come back on sale (sold → available), exactly once and in
//! whatever order catalog hears of the cancellation (`order.orders`) and of the payment that confirmed the
//! checkout's hold (`order.checkouts`). The return is recorded under the order's id; both paths lock the
//! hold first, so exactly one of them sees the other's write:
//! - the hold is confirmed: the units were sold, so they are returned at once;
//! - the hold is still placed (or not heard of yet): the return waits, and confirming the hold applies it
//!   in the same transaction;
//! - the hold was released or expired: its units came back that way, so the return is void.

use std::collections::BTreeMap;

use agora_db::Tx;
use agora_events::catalog::{HoldLine, StockReason};
use agora_events::order::BoughtLine;
use uuid::Uuid;

use super::Catalog;
use crate::domain::{CatalogError, HoldStatus};
use crate::store::returns::{self, ReturnStatus, StockReturn};
use crate::store::stock::{self, Levels};
use crate::store::{holds, products};

/// A cancelled order's lines, one per product in product-id order (the order rows are locked in).
fn merged(lines: &[BoughtLine]) -> Result<Vec<HoldLine>, CatalogError> {
    let mut merged: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        if line.quantity <= 0 {
            return Err(CatalogError::field(&format!("lines[{i}].quantity"), "a bought quantity is above zero"));
        }
        *merged.entry(line.product_id).or_default() += line.quantity;
    }
    Ok(merged.into_iter().map(|(product_id, quantity)| HoldLine { product_id, quantity }).collect())
}

impl Catalog {
    /// Records the return of a cancelled paid order's lines inside `tx` (a consumer's), applying it now
    /// if its checkout's hold is confirmed. Answers the products whose stock changed (their cached views
    /// are stale once `tx` commits); nothing for an order whose return was recorded before.
    pub async fn return_order_in(
        &self,
        tx: &mut Tx,
        order_id: Uuid,
        checkout_id: Uuid,
        lines: &[BoughtLine],
    ) -> Result<Vec<Uuid>, CatalogError> {
        let stock_return = StockReturn { order_id, checkout_id, lines: merged(lines)? };
        // The hold's confirmation takes this lock too (`end_hold_in`), so the two cannot pass each other.
        let hold = holds::find_for_update(tx, checkout_id).await?;
        let status = match hold.map(|h| h.status) {
            Some(HoldStatus::Confirmed) => ReturnStatus::Applied,
            // Not heard of yet cannot happen for a paid order (its stock was held before it was paid); if it
            // did, waiting for the hold's end is still right.
            Some(HoldStatus::Placed) | None => ReturnStatus::Pending,
            Some(HoldStatus::Released | HoldStatus::Expired | HoldStatus::Rejected) => ReturnStatus::Void,
        };
        if !returns::insert(tx, &stock_return, status).await? {
            tracing::info!(order.id = %order_id, "a cancelled order's units were returned before");
            return Ok(Vec::new());
        }
        metrics::counter!("agora_catalog_stock_returns_total", "outcome" => status.as_str()).increment(1);
        tracing::info!(order.id = %order_id, hold.id = %checkout_id, outcome = status.as_str(), "cancelled order's units recorded");
        if status != ReturnStatus::Applied {
            return Ok(Vec::new());
        }
        self.apply_return(tx, &stock_return).await
    }

    /// Settles the returns waiting for a hold that just ended inside `tx`: applied when it was confirmed
    /// (its units are sold now), void otherwise.
    pub(super) async fn settle_returns_in(
        &self,
        tx: &mut Tx,
        hold_id: Uuid,
        to: HoldStatus,
    ) -> Result<(), CatalogError> {
        let outcome = if to == HoldStatus::Confirmed { ReturnStatus::Applied } else { ReturnStatus::Void };
        for waiting in returns::pending(tx, hold_id).await? {
            if !returns::settle(tx, waiting.order_id, outcome).await? {
                continue;
            }
            metrics::counter!("agora_catalog_stock_returns_total", "outcome" => outcome.as_str()).increment(1);
            tracing::info!(order.id = %waiting.order_id, hold.id = %hold_id, outcome = outcome.as_str(), "waiting return settled");
            if outcome == ReturnStatus::Applied {
                self.apply_return(tx, &waiting).await?;
            }
        }
        Ok(())
    }

    /// Moves the return's units from sold to available, with the stock events. A line whose product has
    /// sold fewer units than that is left alone (sold never goes negative), logged and counted.
    async fn apply_return(&self, tx: &mut Tx, stock_return: &StockReturn) -> Result<Vec<Uuid>, CatalogError> {
        let mut changed = Vec::with_capacity(stock_return.lines.len());
        for line in &stock_return.lines {
            if !stock::unsell(tx, line.product_id, line.quantity).await? {
                metrics::counter!("agora_catalog_stock_return_shortfalls_total").increment(1);
                tracing::error!(order.id = %stock_return.order_id, product.id = %line.product_id,
                    "a cancelled order's units were not sold; nothing returned for this line");
                continue;
            }
            let product = products::find(tx, line.product_id).await?.ok_or(CatalogError::ProductNotFound)?;
            let after = Levels { available: product.available, held: product.held, sold: product.sold };
            let before =
                Levels { available: after.available - line.quantity, sold: after.sold + line.quantity, ..after };
            self.emit_stock(tx, &product, before, after, StockReason::OrderCancelled).await?;
            changed.push(line.product_id);
        }
        Ok(changed)
    }
}
