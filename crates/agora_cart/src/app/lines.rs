//! Changing a cart's lines: adding, setting and removing products, emptying the cart, and acknowledging
//! price changes. What a line costs always comes from catalog, never from the request.

use agora_core::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

use super::{CartView, Carts};
use crate::catalog::Offer;
use crate::domain::{CartError, CartOwner, LineDetails, Quantity};
use crate::store::{ChangeMode, Changed, LineChange, Repriced};

/// A product to add. Other fields (a `price` a client thought it could set) are ignored: prices come from
/// catalog.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ItemInput {
    pub product_id: Uuid,
    /// Units to add, from 1 to `settings.cart.max_quantity` (99) in all.
    pub quantity: i64,
}

/// A line's new quantity; 0 removes the line. Other fields are ignored.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct QuantityInput {
    pub quantity: i64,
}

impl Carts {
    /// Adds units of a product (to its line, if the cart has one).
    pub async fn add(&self, owner: &CartOwner, input: &ItemInput) -> Result<CartView, CartError> {
        let quantity = Quantity::try_new(input.quantity, self.settings.max_quantity)
            .map_err(|message| CartError::field("quantity", message))?;
        self.put_line(owner, input.product_id, quantity, ChangeMode::Add).await
    }

    /// Sets a product's quantity (adding the line if needed); 0 removes it.
    pub async fn set(&self, owner: &CartOwner, product_id: Uuid, input: &QuantityInput) -> Result<CartView, CartError> {
        if input.quantity == 0 {
            return self.remove(owner, product_id).await;
        }
        if input.quantity < 0 {
            return Err(CartError::field("quantity", "cannot be negative; 0 removes the product"));
        }
        let quantity = Quantity::try_new(input.quantity, self.settings.max_quantity)
            .map_err(|message| CartError::field("quantity", message))?;
        self.put_line(owner, product_id, quantity, ChangeMode::Set).await
    }

    /// Checks the product with catalog (one call, which also prices the answer), then changes the line.
    async fn put_line(
        &self,
        owner: &CartOwner,
        product_id: Uuid,
        quantity: Quantity,
        mode: ChangeMode,
    ) -> Result<CartView, CartError> {
        let key = owner.key();
        let mut products = self.store.get(&key).await?.product_ids();
        if !products.contains(&product_id) {
            products.push(product_id);
        }
        let snapshot = self.offers(&products).await?;
        let offer = snapshot.offer(product_id).ok_or(CartError::ProductNotFound)?;
        if owner.buyer_id() == Some(offer.seller_id) {
            return Err(CartError::OwnProduct);
        }
        let max = self.settings.max_quantity;
        let change = LineChange {
            product_id,
            quantity,
            mode,
            details: details(offer),
            limit: u32::try_from(offer.available).unwrap_or(u32::MAX).min(max),
            max_lines: self.settings.max_lines,
        };
        let in_cart = match self.store.change(&key, &change).await? {
            Changed::Done(cart) => return Ok(self.answer(&cart, Some(snapshot)).await),
            Changed::OverLimit { in_cart } => in_cart,
        };
        let requested = change.wanted(in_cart);
        if requested > max {
            let message = format!("at most {max} of one product fit in a cart, which holds {in_cart} already");
            return Err(CartError::field("quantity", message));
        }
        Err(CartError::InsufficientStock {
            product_id,
            title: offer.title.clone(),
            requested,
            available: offer.available,
        })
    }

    pub async fn remove(&self, owner: &CartOwner, product_id: Uuid) -> Result<CartView, CartError> {
        let cart = self.store.remove(&owner.key(), &[product_id]).await?;
        Ok(self.answer(&cart, None).await)
    }

    pub async fn clear(&self, owner: &CartOwner) -> Result<CartView, CartError> {
        let cart = self.store.clear(&owner.key()).await?;
        Ok(self.answer(&cart, None).await)
    }

    /// The shopper has seen the current prices: each line's saved price (and title) becomes the current one,
    /// so `price_changed` clears.
    pub async fn acknowledge(&self, owner: &CartOwner) -> Result<CartView, CartError> {
        let key = owner.key();
        let cart = self.store.get(&key).await?;
        let snapshot = self.offers(&cart.product_ids()).await?;
        let repriced: Vec<Repriced> = cart
            .lines
            .iter()
            .filter_map(|line| {
                let offer = snapshot.offer(line.product_id)?;
                let changed = offer.price != line.details.added_price || offer.title != line.details.title;
                changed.then(|| Repriced {
                    product_id: line.product_id,
                    price: offer.price,
                    title: offer.title.clone(),
                })
            })
            .collect();
        let cart = if repriced.is_empty() { cart } else { self.store.reprice(&key, &repriced).await? };
        Ok(self.answer(&cart, Some(snapshot)).await)
    }
}

/// What is saved with a new line.
fn details(offer: &Offer) -> LineDetails {
    LineDetails {
        title: offer.title.clone(),
        seller_id: offer.seller_id,
        shop_name: offer.shop_name.clone(),
        added_price: offer.price,
        added_at: Timestamp::now(),
    }
}
