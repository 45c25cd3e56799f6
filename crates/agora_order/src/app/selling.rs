//! What a seller reads to run their shop: their orders (those paid), and an overview of the last 30 days —
//! sales and orders by day, orders by state, best sellers and products running low. Everything comes from
//! order's own orders and its read model of catalog's stock, never from asking another service.

use std::collections::HashMap;

use agora_core::{Cursor, Money, Page, PageSize, Timestamp};
use agora_http::{Caller, FieldError, Role};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{OrderSummary, Orders, PriceView};
use crate::domain::{OrderError, OrderStatus};
use crate::store::orders::Party;
use crate::store::overview;

/// Days the overview covers, today (UTC) included.
pub const OVERVIEW_DAYS: i64 = 30;
const DAY_MICROS: i64 = 86_400_000_000;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SellerOverview {
    pub currency: String,
    /// One entry per day, oldest first, today (UTC) last.
    pub days: Vec<DaySales>,
    pub totals: Totals,
    /// How many of the seller's paid orders are in each state now.
    pub by_status: StatusCounts,
    /// Best sellers of the period by units (at most 5).
    pub top_products: Vec<TopProduct>,
    /// Products for sale at or below their low-stock threshold, sold out first (at most 10).
    pub low_stock: Vec<LowStockProduct>,
}

/// Orders paid on one day that still count as sales (not cancelled or refunded), and their revenue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DaySales {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub orders: i64,
    pub revenue: PriceView,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub orders: i64,
    pub revenue: PriceView,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StatusCounts {
    pub paid: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub refunded: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopProduct {
    pub product_id: Uuid,
    pub title: String,
    pub units: i64,
    pub revenue: PriceView,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LowStockProduct {
    pub product_id: Uuid,
    pub title: String,
    pub available: i64,
    pub threshold: i64,
}

impl Orders {
    /// The calling seller's paid orders, newest first, optionally only those in `status`.
    pub async fn seller_orders(
        &self,
        caller: &Caller,
        status: Option<&str>,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<Page<OrderSummary>, OrderError> {
        caller.require(Role::Seller)?;
        let status = match status.filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => match OrderStatus::parse(text).filter(|s| *s != OrderStatus::Pending) {
                Some(status) => Some(status),
                None => {
                    let message = "use paid, shipped, delivered, cancelled or refunded";
                    return Err(OrderError::Invalid(vec![FieldError::new("status", message)]));
                }
            },
        };
        self.list_orders(Party::Seller(caller.user_id, status), cursor, size).await
    }

    /// The calling seller's overview of the last 30 days.
    pub async fn seller_overview(&self, caller: &Caller) -> Result<SellerOverview, OrderError> {
        caller.require(Role::Seller)?;
        let seller = caller.user_id;
        let today = Timestamp::now().as_micros().div_euclid(DAY_MICROS);
        let first_day = today - (OVERVIEW_DAYS - 1);
        let since = first_day * DAY_MICROS;
        let mut conn = self.db.pool().acquire().await?;
        let mut per_day: HashMap<i64, (i64, i64)> = HashMap::new();
        for (paid_at, total) in overview::sales_since(&mut conn, seller, since).await? {
            let day = per_day.entry(paid_at.div_euclid(DAY_MICROS)).or_default();
            day.0 += 1;
            day.1 += total;
        }
        let money = |amount_minor: i64| PriceView::from(Money { amount_minor, currency: self.currency });
        let days: Vec<DaySales> = (first_day..=today)
            .map(|day| {
                let (orders, revenue) = per_day.get(&day).copied().unwrap_or_default();
                DaySales { date: date(day), orders, revenue: money(revenue) }
            })
            .collect();
        let totals = Totals {
            orders: days.iter().map(|d| d.orders).sum(),
            revenue: money(days.iter().map(|d| d.revenue.amount_minor).sum()),
        };
        let counts = overview::by_status(&mut conn, seller).await?;
        let count = |status| counts.get(&status).copied().unwrap_or_default();
        let by_status = StatusCounts {
            paid: count(OrderStatus::Paid),
            shipped: count(OrderStatus::Shipped),
            delivered: count(OrderStatus::Delivered),
            cancelled: count(OrderStatus::Cancelled),
            refunded: count(OrderStatus::Refunded),
        };
        let top_products = overview::top_products(&mut conn, seller, since, 5)
            .await?
            .into_iter()
            .map(|p| TopProduct {
                product_id: p.product_id,
                title: p.title,
                units: p.units,
                revenue: money(p.revenue_minor),
            })
            .collect();
        let low_stock = overview::low_stock(&mut conn, seller, 10)
            .await?
            .into_iter()
            .map(|p| LowStockProduct {
                product_id: p.product_id,
                title: p.title,
                available: p.available,
                threshold: p.threshold,
            })
            .collect();
        Ok(SellerOverview { currency: self.currency.to_string(), days, totals, by_status, top_products, low_stock })
    }
}

/// `YYYY-MM-DD` of a day counted from the Unix epoch.
fn date(day: i64) -> String {
    OffsetDateTime::from_unix_timestamp(day * 86_400).map(|t| t.date().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_named_by_their_utc_date() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(20_414), "2025-11-22");
    }
}
