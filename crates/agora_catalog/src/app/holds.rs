//! Stock holds for checkouts. Placing takes every line or none: the hold row is written first (its id is
//! the idempotency key, so a repeated or concurrent request finds it), then each line is one conditional
//! update in product-id order; if any line is short the whole transaction rolls back and the rejection is
//! recorded instead. Confirm, release and expire end a placed hold exactly once, and settle the returns of
//! its cancelled orders that were waiting for it (see [`super::returns`]).

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::catalog::{HoldEnded, HoldEvent, HoldLine, HoldPlaced, HoldRejected, ShortLine, StockReason};
use agora_http::{Caller, Role};
use serde::Serialize;
use uuid::Uuid;

use super::{Catalog, owns_or_admin};
use crate::domain::hold::{HoldInput, Transition};
use crate::domain::{CatalogError, Hold, HoldRequest, HoldStatus};
use crate::store::stock::{self, Levels};
use crate::store::{holds, products, sellers};

/// A hold as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HoldView {
    pub id: Uuid,
    /// `placed`, `confirmed`, `released` or `expired` (a rejected hold is answered with `409
    /// insufficient_stock`).
    pub status: &'static str,
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<HoldLine>,
    pub expires_at: String,
}

impl From<&Hold> for HoldView {
    fn from(h: &Hold) -> HoldView {
        HoldView { id: h.id, status: h.status.as_str(), lines: h.lines.clone(), expires_at: h.expires_at.to_rfc3339() }
    }
}

/// The outcome a stored hold stands for: a rejected hold answers as the short lines, every time.
fn outcome(hold: Hold) -> Result<Hold, CatalogError> {
    match hold.status {
        HoldStatus::Rejected => Err(CatalogError::InsufficientStock(hold.short, hold.id)),
        _ => Ok(hold),
    }
}

/// How ending a hold went: the hold as it is now, whether this call changed it, and whether a confirm came
/// too late (the hold expired instead).
#[derive(Debug)]
pub struct Ending {
    pub hold: Hold,
    pub changed: bool,
    pub late: bool,
}

/// What placing does when the owner already holds the most allowed: refuse the request (REST, 429) or record a
/// rejection (a checkout, which must end either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    Refuse,
    Reject,
}

/// The stored outcome of a hold id used before, if the request is the same one.
async fn existing(tx: &mut Tx, owner_id: Uuid, request: &HoldRequest) -> Result<Hold, CatalogError> {
    let hold = holds::find(tx, request.id).await?.ok_or(CatalogError::HoldNotFound)?;
    if hold.owner_id != owner_id || hold.lines != request.lines {
        return Err(CatalogError::HoldIdReused);
    }
    Ok(hold)
}

impl Catalog {
    /// Holds every line for the caller, or none. The same id always has the same outcome. Checkouts hold
    /// stock through events; over the API only an operator (admin) may.
    pub async fn place_hold(&self, caller: &Caller, input: &HoldInput) -> Result<Hold, CatalogError> {
        caller.require(Role::Admin)?;
        let request = HoldRequest::parse(input)?;
        self.place(caller.user_id, &request).await
    }

    pub async fn place(&self, owner_id: Uuid, request: &HoldRequest) -> Result<Hold, CatalogError> {
        let mut tx = self.begin().await?;
        let (hold, fresh) = self.place_in(&mut tx, owner_id, request, OverLimit::Refuse).await?;
        tx.commit().await?;
        if fresh {
            self.held(&hold).await;
        }
        outcome(hold)
    }

    /// Places a hold inside `tx` (a consumer's transaction, or [`Catalog::place`]'s). Answers the stored
    /// hold — placed, or rejected with its short lines (recorded, so the same id answers the same later) —
    /// and whether it was decided now; then call [`Catalog::held`] after committing.
    pub async fn place_in(
        &self,
        tx: &mut Tx,
        owner_id: Uuid,
        request: &HoldRequest,
        over_limit: OverLimit,
    ) -> Result<(Hold, bool), CatalogError> {
        let now = Timestamp::now();
        let mut hold = Hold {
            id: request.id,
            owner_id,
            status: HoldStatus::Placed,
            lines: request.lines.clone(),
            short: Vec::new(),
            expires_at: now.plus(self.settings.hold_ttl()),
            created_at: now,
        };
        // Everything a rejection must undo happens after this savepoint.
        sqlx::query("SAVEPOINT place_hold").execute(&mut **tx).await?;
        if !holds::insert(tx, &hold).await? {
            return Ok((existing(tx, owner_id, request).await?, false));
        }
        // One account cannot take the shop off sale by holding everything (a rough cap: concurrent holds of
        // one owner on PostgreSQL may pass it together).
        let limit = self.settings.max_held_units_per_owner;
        let over = holds::units_held_by(tx, owner_id).await? > limit;
        if over && over_limit == OverLimit::Refuse {
            sqlx::query("ROLLBACK TO SAVEPOINT place_hold").execute(&mut **tx).await?;
            return Err(CatalogError::HoldLimit(limit));
        }
        let mut short = Vec::new();
        let mut moved = Vec::new();
        for line in &request.lines {
            if !over && stock::hold(tx, line.product_id, line.quantity).await? {
                moved.push(line);
            } else {
                short.push(self.short_line(tx, line).await?);
            }
        }
        if !short.is_empty() {
            sqlx::query("ROLLBACK TO SAVEPOINT place_hold").execute(&mut **tx).await?;
            hold.status = HoldStatus::Rejected;
            hold.short = short;
            holds::insert(tx, &hold).await?;
            let event = HoldRejected { hold_id: hold.id, owner_id, short: hold.short.clone() };
            self.outbox.emit(tx, &HoldEvent::Rejected(event)).await?;
            return Ok((hold, true));
        }
        for line in moved {
            let product = products::find(tx, line.product_id).await?.ok_or(CatalogError::ProductNotFound)?;
            let after = Levels { available: product.available, held: product.held, sold: product.sold };
            let before =
                Levels { available: after.available + line.quantity, held: after.held - line.quantity, ..after };
            self.emit_stock(tx, &product, before, after, StockReason::HoldPlaced).await?;
        }
        let placed = HoldPlaced { hold_id: hold.id, owner_id, lines: hold.lines.clone(), expires_at: hold.expires_at };
        self.outbox.emit(tx, &HoldEvent::Placed(placed)).await?;
        Ok((hold, true))
    }

    /// After a hold was decided and committed: what was cached about its products is stale.
    pub async fn held(&self, hold: &Hold) {
        let outcome = if hold.status == HoldStatus::Rejected { "rejected" } else { "placed" };
        self.cache.changed(&hold.lines.iter().map(|l| l.product_id).collect::<Vec<_>>()).await;
        metrics::counter!("agora_catalog_holds_total", "outcome" => outcome).increment(1);
        tracing::info!(hold.id = %hold.id, lines = hold.lines.len(), outcome, "stock hold decided");
    }

    async fn short_line(&self, tx: &mut Tx, line: &HoldLine) -> Result<ShortLine, CatalogError> {
        // Only a product for sale is described: a hidden, deleted or suspended one is just unavailable.
        let product = products::find(tx, line.product_id).await?;
        let (title, available) = match product {
            Some(p) if p.status == crate::domain::ProductStatus::Active => {
                let seller_active = sellers::find(tx, p.seller_id).await?.is_none_or(|s| s.active);
                if seller_active { (p.title, p.available) } else { (String::new(), 0) }
            }
            _ => (String::new(), 0),
        };
        Ok(ShortLine { product_id: line.product_id, title, requested: line.quantity, available })
    }

    pub async fn hold(&self, caller: &Caller, id: Uuid) -> Result<Hold, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        let hold = holds::find(&mut conn, id).await?.ok_or(CatalogError::HoldNotFound)?;
        if !owns_or_admin(caller, hold.owner_id) {
            return Err(CatalogError::HoldNotFound);
        }
        outcome(hold)
    }

    /// Held units become sold. Turning stock into sales follows a payment, so over the API only an admin
    /// may do it (the order service does it from payment events).
    pub async fn confirm_hold(&self, caller: &Caller, id: Uuid) -> Result<Hold, CatalogError> {
        caller.require(Role::Admin)?;
        self.end_hold(id, None, HoldStatus::Confirmed).await
    }

    /// The owner (or an admin) gives held units back.
    pub async fn release_hold(&self, caller: &Caller, id: Uuid) -> Result<Hold, CatalogError> {
        let owner = (!caller.has(Role::Admin)).then_some(caller.user_id);
        self.end_hold(id, owner, HoldStatus::Released).await
    }

    /// Ends a placed hold once; ending it the same way again answers the same. A hold past its time is
    /// expired rather than confirmed.
    pub async fn end_hold(&self, id: Uuid, owner: Option<Uuid>, to: HoldStatus) -> Result<Hold, CatalogError> {
        let mut tx = self.begin().await?;
        let ended = self.end_hold_in(&mut tx, id, owner, to).await?;
        tx.commit().await?;
        if ended.changed {
            self.ended(&ended.hold).await;
        }
        if ended.late {
            return Err(CatalogError::HoldNotActive("expired"));
        }
        Ok(ended.hold)
    }

    /// Ends a hold inside `tx`; call [`Catalog::ended`] after committing when it `changed`.
    pub async fn end_hold_in(
        &self,
        tx: &mut Tx,
        id: Uuid,
        owner: Option<Uuid>,
        to: HoldStatus,
    ) -> Result<Ending, CatalogError> {
        let mut hold = holds::find_for_update(tx, id).await?.ok_or(CatalogError::HoldNotFound)?;
        if owner.is_some_and(|o| o != hold.owner_id) {
            return Err(CatalogError::HoldNotFound);
        }
        let late =
            to == HoldStatus::Confirmed && hold.status == HoldStatus::Placed && hold.expires_at <= Timestamp::now();
        let to = if late { HoldStatus::Expired } else { to };
        if hold.status.end(to)? == Transition::Already {
            return Ok(Ending { hold, changed: false, late: false });
        }
        if !holds::end(tx, id, to).await? {
            return Err(CatalogError::HoldNotActive("ended"));
        }
        let sold = to == HoldStatus::Confirmed;
        for line in &hold.lines {
            stock::end_hold(tx, line.product_id, line.quantity, sold).await?;
            if let Some(product) = products::find(tx, line.product_id).await? {
                let after = Levels { available: product.available, held: product.held, sold: product.sold };
                let before = if sold {
                    Levels { held: after.held + line.quantity, sold: after.sold - line.quantity, ..after }
                } else {
                    Levels { available: after.available - line.quantity, held: after.held + line.quantity, ..after }
                };
                let reason = match to {
                    HoldStatus::Confirmed => StockReason::HoldConfirmed,
                    HoldStatus::Expired => StockReason::HoldExpired,
                    _ => StockReason::HoldReleased,
                };
                self.emit_stock(tx, &product, before, after, reason).await?;
            }
        }
        let ended = HoldEnded { hold_id: id, owner_id: hold.owner_id, lines: hold.lines.clone() };
        let event = match to {
            HoldStatus::Confirmed => HoldEvent::Confirmed(ended),
            HoldStatus::Expired => HoldEvent::Expired(ended),
            _ => HoldEvent::Released(ended),
        };
        self.outbox.emit(tx, &event).await?;
        // Orders of this checkout cancelled while it was still held get their units back now (or never).
        self.settle_returns_in(tx, id, to).await?;
        hold.status = to;
        Ok(Ending { hold, changed: true, late })
    }

    /// After a hold ended and the change was committed.
    pub async fn ended(&self, hold: &Hold) {
        self.cache.changed(&hold.lines.iter().map(|l| l.product_id).collect::<Vec<_>>()).await;
        metrics::counter!("agora_catalog_holds_total", "outcome" => hold.status.as_str()).increment(1);
        tracing::info!(hold.id = %hold.id, status = hold.status.as_str(), "stock hold ended");
    }

    /// Expires every placed hold whose time is up; returns how many. A hold that cannot be expired is
    /// logged and skipped, so it cannot keep the others from expiring.
    pub async fn expire_holds(&self) -> Result<usize, CatalogError> {
        let due = {
            let mut conn = self.db.pool().acquire().await?;
            holds::expired(&mut conn, Timestamp::now(), 500).await?
        };
        let mut expired = 0;
        for id in due {
            match self.end_hold(id, None, HoldStatus::Expired).await {
                Ok(hold) if hold.status == HoldStatus::Expired => expired += 1,
                // Confirmed or released meanwhile.
                Ok(_) | Err(CatalogError::HoldNotActive(_)) => {}
                Err(err) => {
                    metrics::counter!("agora_catalog_hold_expiry_failures_total").increment(1);
                    tracing::error!(hold.id = %id, error = %err, "a stock hold could not be expired");
                }
            }
        }
        Ok(expired)
    }
}
