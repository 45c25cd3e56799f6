//! Order's use cases. Each opens a transaction (or works in a consumer's), changes state through the store,
//! writes its events to the outbox in the same transaction, and commits.

mod addresses;
mod checkout;
mod flow;
mod fulfil;
mod selling;
mod views;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_core::Currency;
use agora_db::{Db, Tx};
use agora_http::{Caller, Role};
use uuid::Uuid;

pub use checkout::CheckoutInput;
pub use flow::Progress;
pub use selling::SellerOverview;
pub use views::{CheckoutView, LineView, OrderSummary, OrderView, PriceView, SellerRef, TimelineEntry};

use crate::cart::CartClient;
use crate::config::OrderSettings;
use crate::domain::OrderError;

/// The order service's state, shared by its handlers, consumers and tasks.
#[derive(Clone)]
pub struct Orders {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<OrderSettings>,
    pub currency: Currency,
    cart: CartClient,
}

impl Orders {
    pub fn new(db: Db, outbox: Outbox, settings: OrderSettings, cart: CartClient) -> Result<Orders, OrderError> {
        let currency = Currency::parse(&settings.currency)
            .map_err(|e| OrderError::Internal(format!("settings.order.currency: {e}")))?;
        Ok(Orders { db, outbox, settings: Arc::new(settings), currency, cart })
    }

    async fn begin(&self) -> Result<Tx, OrderError> {
        Ok(self.db.begin().await?)
    }
}

/// Whether `caller` may see what `owner` owns: the owner, or an admin.
fn owns_or_admin(caller: &Caller, owner: Uuid) -> bool {
    caller.user_id == owner || caller.has(Role::Admin)
}
