//! What the API answers about checkouts and orders.

use std::collections::HashMap;

use agora_core::{Cursor, Money, Page, PageSize, Timestamp};
use agora_events::catalog::ShortLine;
use agora_http::Caller;
use serde::Serialize;
use uuid::Uuid;

use super::fulfil::actor;
use super::{Orders, owns_or_admin};
use crate::domain::address::Address;
use crate::domain::error::UnavailableLine;
use crate::domain::{OrderAction, OrderError};
use crate::store::checkouts::{self, Checkout};
use crate::store::orders::{self, Line, Order, Party};
use crate::store::products;

pub use agora_core::PriceView;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SellerRef {
    pub id: Uuid,
    /// Empty until order has heard of the seller's approval.
    pub shop_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub product_id: Uuid,
    pub title: String,
    pub quantity: i64,
    pub unit_price: PriceView,
    pub line_total: PriceView,
    /// The price the buyer's cart showed, when the price charged differs from it.
    pub price_when_added: Option<PriceView>,
    /// Thumbnail key under `/api/catalog/images/`.
    pub thumbnail: Option<String>,
}

impl From<Line> for LineView {
    fn from(l: Line) -> LineView {
        LineView {
            product_id: l.product_id,
            title: l.title,
            quantity: l.quantity,
            unit_price: l.unit_price.into(),
            line_total: l.line_total.into(),
            price_when_added: l.price_seen.map(PriceView::from),
            thumbnail: l.thumbnail,
        }
    }
}

/// One seller's part of a checkout.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    /// Nil in a preview.
    pub id: Uuid,
    pub seller: SellerRef,
    /// `pending`, `paid`, `shipped`, `delivered`, `cancelled` or `refunded`.
    pub status: &'static str,
    pub total: PriceView,
    pub lines: Vec<LineView>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckoutView {
    /// Nil in a preview.
    pub id: Uuid,
    /// `pending` (stock being held), `awaiting_payment`, `paid`, `rejected` (stock short) or `cancelled`
    /// (not paid in time); `preview` for a preview.
    pub status: &'static str,
    pub total: PriceView,
    pub orders: Vec<OrderSummary>,
    /// Whether any line's price differs from what the buyer's cart showed.
    pub price_changed: bool,
    /// Rejected: the products that were short.
    #[schema(value_type = Vec<Object>)]
    pub short_lines: Vec<ShortLine>,
    /// Preview: cart lines that cannot be bought.
    pub unavailable_lines: Vec<UnavailableLine>,
    pub cancel_reason: Option<String>,
    /// The last failed payment attempt's message, while the buyer may retry.
    pub payment_error: Option<String>,
    /// Awaiting payment: pay before this time (RFC 3339).
    pub pay_by: Option<String>,
    pub address: Option<Address>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShipmentView {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CancellationView {
    /// `buyer`, `seller` or `admin`; null when the checkout ended unpaid.
    pub by: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefundView {
    pub amount: PriceView,
    /// `pending` until payment confirms it, then `refunded`.
    pub status: &'static str,
    pub refunded_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// `placed`, `stock_reserved`, `payment_failed`, `paid`, `shipped`, `delivered`, `cancelled`, `refunded`.
    pub kind: String,
    pub note: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    pub id: Uuid,
    pub checkout_id: Uuid,
    pub buyer_id: Uuid,
    pub seller: SellerRef,
    pub status: &'static str,
    pub total: PriceView,
    pub lines: Vec<LineView>,
    pub address: Address,
    pub timeline: Vec<TimelineEntry>,
    pub created_at: String,
    pub paid_at: Option<String>,
    pub shipment: Option<ShipmentView>,
    pub delivered_at: Option<String>,
    pub cancellation: Option<CancellationView>,
    pub refund: Option<RefundView>,
    /// What the caller may do now: `ship`, `deliver`, `cancel`.
    pub actions: Vec<&'static str>,
}

impl Orders {
    pub async fn checkout(&self, caller: &Caller, id: Uuid) -> Result<CheckoutView, OrderError> {
        let found = {
            let mut conn = self.db.pool().acquire().await?;
            checkouts::find(&mut conn, id).await?
        };
        match found {
            Some(checkout) if owns_or_admin(caller, checkout.buyer_id) => self.checkout_view(checkout).await,
            _ => Err(OrderError::CheckoutNotFound),
        }
    }

    pub(super) async fn checkout_view(&self, c: Checkout) -> Result<CheckoutView, OrderError> {
        let mut conn = self.db.pool().acquire().await?;
        let orders = orders::of_checkout(&mut conn, c.id).await?;
        let summaries = self.summaries(&mut conn, orders).await?;
        Ok(CheckoutView {
            id: c.id,
            status: c.status.as_str(),
            total: c.total.into(),
            price_changed: summaries.iter().flat_map(|o| &o.lines).any(|l| l.price_when_added.is_some()),
            orders: summaries,
            short_lines: c.short,
            unavailable_lines: Vec::new(),
            cancel_reason: c.cancel_reason,
            payment_error: c.payment_error,
            pay_by: c.pay_by.map(|t| t.to_rfc3339()),
            address: Some(c.address),
            created_at: c.created_at.to_rfc3339(),
        })
    }

    pub(super) async fn preview_view(
        &self,
        total: Money,
        groups: Vec<(Order, Vec<Line>)>,
        unavailable: Vec<UnavailableLine>,
    ) -> Result<CheckoutView, OrderError> {
        let mut conn = self.db.pool().acquire().await?;
        let names = shop_names(&mut conn, groups.iter().map(|(o, _)| o.seller_id)).await?;
        let orders: Vec<OrderSummary> =
            groups.into_iter().map(|(order, lines)| summary(&names, &order, lines)).collect();
        Ok(CheckoutView {
            id: Uuid::nil(),
            status: "preview",
            total: total.into(),
            price_changed: orders.iter().flat_map(|o| &o.lines).any(|l| l.price_when_added.is_some()),
            orders,
            short_lines: Vec::new(),
            unavailable_lines: unavailable,
            cancel_reason: None,
            payment_error: None,
            pay_by: None,
            address: None,
            created_at: Timestamp::now().to_rfc3339(),
        })
    }

    async fn summaries(
        &self,
        conn: &mut sqlx::AnyConnection,
        orders: Vec<Order>,
    ) -> Result<Vec<OrderSummary>, OrderError> {
        let ids: Vec<Uuid> = orders.iter().map(|o| o.id).collect();
        let mut lines = orders::lines(conn, &ids).await?;
        let names = shop_names(conn, orders.iter().map(|o| o.seller_id)).await?;
        Ok(orders.iter().map(|o| summary(&names, o, lines.remove(&o.id).unwrap_or_default())).collect())
    }

    /// A buyer's or seller's orders, newest first.
    pub(super) async fn list_orders(
        &self,
        party: Party,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<Page<OrderSummary>, OrderError> {
        let after: Option<(i64, String)> = cursor.map(|c| c.decode()).transpose().map_err(|_| OrderError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        let rows = orders::list(&mut conn, party, after, size.fetch_limit()).await?;
        let keys: HashMap<Uuid, (i64, String)> =
            rows.iter().map(|o| (o.id, (o.created_at.as_micros(), o.id.to_string()))).collect();
        let summaries = self.summaries(&mut conn, rows).await?;
        Ok(Page::from_rows(summaries, size, |s| keys.get(&s.id).cloned().unwrap_or_default()))
    }

    /// The caller's orders as a buyer, newest first.
    pub async fn my_orders(
        &self,
        caller: &Caller,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<Page<OrderSummary>, OrderError> {
        self.list_orders(Party::Buyer(caller.user_id), cursor, size).await
    }

    /// One order with its timeline: its buyer, its seller or an admin only.
    pub async fn order(&self, caller: &Caller, id: Uuid) -> Result<OrderView, OrderError> {
        let mut conn = self.db.pool().acquire().await?;
        let order = orders::find(&mut conn, id).await?.ok_or(OrderError::OrderNotFound)?;
        let actor = actor(caller, &order).ok_or(OrderError::OrderNotFound)?;
        let checkout = checkouts::find(&mut conn, order.checkout_id).await?.ok_or(OrderError::OrderNotFound)?;
        let lines = orders::lines(&mut conn, &[id]).await?.remove(&id).unwrap_or_default();
        let timeline = orders::timeline(&mut conn, id).await?;
        let names = shop_names(&mut conn, [order.seller_id].into_iter()).await?;
        Ok(OrderView {
            id,
            checkout_id: order.checkout_id,
            buyer_id: order.buyer_id,
            seller: seller_ref(&names, order.seller_id),
            status: order.status.as_str(),
            total: order.total.into(),
            lines: lines.into_iter().map(LineView::from).collect(),
            address: checkout.address,
            timeline: timeline
                .into_iter()
                .map(|e| TimelineEntry { kind: e.kind, note: e.note, at: e.at.to_rfc3339() })
                .collect(),
            created_at: order.created_at.to_rfc3339(),
            actions: order.status.actions_for(actor).into_iter().map(OrderAction::as_str).collect(),
            paid_at: rfc3339(order.after_sale.paid_at),
            shipment: order.after_sale.shipment.map(|s| ShipmentView {
                carrier: s.carrier,
                tracking_number: s.tracking_number,
                shipped_at: s.shipped_at.to_rfc3339(),
            }),
            delivered_at: rfc3339(order.after_sale.delivered_at),
            cancellation: order.after_sale.cancelled_at.map(|at| CancellationView {
                by: order.after_sale.cancelled_by.clone(),
                reason: order.after_sale.cancel_reason.clone(),
                at: at.to_rfc3339(),
            }),
            refund: order.after_sale.refund.map(|amount| RefundView {
                amount: amount.into(),
                status: if order.after_sale.refunded_at.is_some() { "refunded" } else { "pending" },
                refunded_at: rfc3339(order.after_sale.refunded_at),
            }),
        })
    }
}

async fn shop_names(
    conn: &mut sqlx::AnyConnection,
    sellers: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, OrderError> {
    let mut ids: Vec<Uuid> = sellers.collect();
    ids.sort();
    ids.dedup();
    products::shop_names(conn, &ids).await
}

fn rfc3339(at: Option<Timestamp>) -> Option<String> {
    at.map(|t| t.to_rfc3339())
}

fn seller_ref(names: &HashMap<Uuid, String>, id: Uuid) -> SellerRef {
    SellerRef { id, shop_name: names.get(&id).cloned().unwrap_or_default() }
}

fn summary(names: &HashMap<Uuid, String>, order: &Order, lines: Vec<Line>) -> OrderSummary {
    OrderSummary {
        id: order.id,
        seller: seller_ref(names, order.seller_id),
        status: order.status.as_str(),
        total: order.total.into(),
        lines: lines.into_iter().map(LineView::from).collect(),
        created_at: order.created_at.to_rfc3339(),
    }
}
