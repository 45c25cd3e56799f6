//! After the sale: the seller ships and delivers a paid order; the buyer, the seller or an admin cancels it
//! before it ships, and payment's refund closes it. Each change locks the order, is checked by the order's
//! state machine, records a timeline entry and emits its event in one transaction; a repeated request
//! changes nothing.

use agora_core::{Money, Timestamp};
use agora_db::Tx;
use agora_events::order::{BoughtLine, OrderEvent, OrderShipped, OrderStatusChanged};
use agora_http::{Caller, Role};
use uuid::Uuid;

use super::{OrderView, Orders};
use crate::domain::{Actor, CancelInput, Move, OrderAction, OrderError, OrderRequest, ShipInput};
use crate::store::orders::{self, Change, Order};

/// Who `caller` is to `order`, if anyone.
pub(super) fn actor(caller: &Caller, order: &Order) -> Option<Actor> {
    if caller.user_id == order.seller_id {
        Some(Actor::Seller)
    } else if caller.user_id == order.buyer_id {
        Some(Actor::Buyer)
    } else if caller.has(Role::Admin) {
        Some(Actor::Admin)
    } else {
        None
    }
}

impl Orders {
    pub async fn ship(&self, caller: &Caller, id: Uuid, input: &ShipInput) -> Result<OrderView, OrderError> {
        let request = input.parse()?;
        self.act(caller, id, |_| Ok(request)).await
    }

    pub async fn deliver(&self, caller: &Caller, id: Uuid) -> Result<OrderView, OrderError> {
        self.act(caller, id, |_| Ok(OrderRequest::Deliver)).await
    }

    pub async fn cancel(&self, caller: &Caller, id: Uuid, input: &CancelInput) -> Result<OrderView, OrderError> {
        self.act(caller, id, |actor| input.parse(actor)).await
    }

    /// Applies the caller's request to order `id`: someone else's order is not found, a step the caller may
    /// not take is forbidden, one the order's state does not allow is a conflict naming the state.
    async fn act(
        &self,
        caller: &Caller,
        id: Uuid,
        request: impl FnOnce(Actor) -> Result<OrderRequest, OrderError>,
    ) -> Result<OrderView, OrderError> {
        let mut tx = self.begin().await?;
        let order = orders::find_for_update(&mut tx, id).await?.ok_or(OrderError::OrderNotFound)?;
        let actor = actor(caller, &order).ok_or(OrderError::OrderNotFound)?;
        let request = request(actor)?;
        let action = request.action();
        if !action.allowed_for(actor) {
            return Err(OrderError::Forbidden("only the order's seller ships it and marks it delivered"));
        }
        if let Move::To(to) = order.status.apply(action)? {
            let change = match &request {
                OrderRequest::Ship { carrier, tracking_number } => {
                    Change { shipment: Some((carrier.clone(), tracking_number.clone())), ..Change::default() }
                }
                OrderRequest::Deliver => Change::default(),
                OrderRequest::Cancel { reason } => Change {
                    cancelled_by: Some(actor.as_str()),
                    cancel_reason: reason.clone(),
                    refund: Some(order.total),
                    ..Change::default()
                },
            };
            if !orders::transition(&mut tx, id, order.status, to, change).await? {
                return Err(OrderError::Internal(format!("order {id} changed under its lock")));
            }
            self.announce_request(&mut tx, &order, actor, &request).await?;
            tx.commit().await?;
            metrics::counter!("agora_order_fulfilment_total", "action" => action.as_str(), "by" => actor.as_str())
                .increment(1);
            tracing::info!(order.id = %id, status = to.as_str(), by = actor.as_str(), "order moved");
        } else {
            // Asked before: release the lock (and the connection) before reading the answer.
            tx.rollback().await?;
        }
        self.order(caller, id).await
    }

    /// The timeline entry and the event of a request applied to `order`.
    async fn announce_request(
        &self,
        tx: &mut Tx,
        order: &Order,
        actor: Actor,
        request: &OrderRequest,
    ) -> Result<(), OrderError> {
        let event = match request {
            OrderRequest::Ship { carrier, tracking_number } => {
                let note = format!("Shipped with {carrier}, tracking number {tracking_number}");
                orders::record(tx, order.id, "shipped", &note).await?;
                OrderEvent::Shipped(OrderShipped {
                    order_id: order.id,
                    checkout_id: order.checkout_id,
                    buyer_id: order.buyer_id,
                    seller_id: order.seller_id,
                    carrier: carrier.clone(),
                    tracking_number: tracking_number.clone(),
                    at: Timestamp::now(),
                })
            }
            OrderRequest::Deliver => {
                orders::record(tx, order.id, "delivered", "Delivered").await?;
                OrderEvent::Delivered(self.status_changed(tx, order, None, Some(actor), None).await?)
            }
            OrderRequest::Cancel { reason } => {
                let mut note = format!("Cancelled by the {}", actor.as_str());
                if let Some(reason) = reason {
                    note = format!("{note}: {reason}");
                }
                note = format!("{note}. A refund of {} is on its way", order.total);
                orders::record(tx, order.id, "cancelled", &note).await?;
                let changed = self.status_changed(tx, order, reason.clone(), Some(actor), Some(order.total)).await?;
                OrderEvent::Cancelled(changed)
            }
        };
        self.outbox.emit(tx, &event).await?;
        Ok(())
    }

    /// Payment gave a cancelled order's money back: the order is refunded. A refund for an order that was
    /// not cancelled is a bug upstream; it is logged and counted, and changes nothing.
    pub async fn order_refunded(&self, tx: &mut Tx, id: Uuid, amount: Money) -> Result<(), OrderError> {
        let Some(order) = orders::find_for_update(tx, id).await? else { return Ok(()) };
        let to = match order.status.apply(OrderAction::Refund) {
            Ok(Move::To(to)) => to,
            Ok(Move::Already) => return Ok(()),
            Err(err) => {
                metrics::counter!("agora_order_late_events_total", "step" => "refund").increment(1);
                tracing::warn!(order.id = %id, error = %err, "a refund arrived for an order that was not cancelled");
                return Ok(());
            }
        };
        let change = Change { refund: Some(amount), ..Change::default() };
        if !orders::transition(tx, id, order.status, to, change).await? {
            return Err(OrderError::Internal(format!("order {id} changed under its lock")));
        }
        orders::record(tx, id, "refunded", &format!("Refunded {amount} to the original payment method")).await?;
        let changed = self.status_changed(tx, &order, None, None, Some(amount)).await?;
        self.outbox.emit(tx, &OrderEvent::Refunded(changed)).await?;
        metrics::counter!("agora_order_fulfilment_total", "action" => "refund", "by" => "payment").increment(1);
        Ok(())
    }

    /// An order's status event, with what it bought.
    pub(super) async fn status_changed(
        &self,
        tx: &mut Tx,
        order: &Order,
        reason: Option<String>,
        by: Option<Actor>,
        refund: Option<Money>,
    ) -> Result<OrderStatusChanged, OrderError> {
        let lines = orders::lines(tx, &[order.id]).await?.remove(&order.id).unwrap_or_default();
        Ok(OrderStatusChanged {
            order_id: order.id,
            checkout_id: order.checkout_id,
            buyer_id: order.buyer_id,
            seller_id: order.seller_id,
            total: order.total,
            reason,
            at: Timestamp::now(),
            lines: lines.iter().map(|l| BoughtLine { product_id: l.product_id, quantity: l.quantity }).collect(),
            by: by.map(|a| a.as_str().to_owned()),
            refund,
        })
    }
}
