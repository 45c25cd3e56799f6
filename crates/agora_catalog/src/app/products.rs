//! Sellers' products: create, edit, hide and show, delete; admins hide with a reason and feature.

use agora_core::{Cursor, Page, PageSize, Timestamp};
use agora_events::catalog::{
    PriceChanged, ProductDeleted, ProductEvent, ProductHidden, ProductShown, ProductSnapshot, StockReason,
};
use agora_http::{Caller, Role};
use uuid::Uuid;

use super::views::ProductView;
use super::{Catalog, owns_or_admin};
use crate::domain::product::{MAX_STOCK, ProductInput};
use crate::domain::{CatalogError, ProductDraft, ProductStatus};
use crate::store::products::{self, Listing, Product};
use crate::store::stock::Levels;
use crate::store::{categories, images, sellers, stock};

impl Catalog {
    /// An approved seller lists a product. The seller is the caller, whatever the body says.
    pub async fn create_product(&self, caller: &Caller, input: &ProductInput) -> Result<ProductView, CatalogError> {
        caller.require(Role::Seller)?;
        let draft = ProductDraft::parse(input, self.currency, self.settings.low_stock_threshold)?;
        let mut tx = self.begin().await?;
        self.check_seller(&mut tx, caller.user_id).await?;
        if categories::find(&mut tx, draft.category_id).await?.is_none() {
            return Err(CatalogError::field("category_id", "choose one of the categories"));
        }
        let now = Timestamp::now();
        let product = Product {
            id: agora_core::new_id(),
            seller_id: caller.user_id,
            title: draft.title,
            description: draft.description,
            price: draft.price,
            category_id: draft.category_id,
            attributes: draft.attributes,
            status: ProductStatus::Active,
            hidden_by_admin: false,
            hidden_reason: None,
            featured: false,
            available: draft.stock,
            held: 0,
            sold: 0,
            low_stock_threshold: draft.low_stock_threshold,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        products::insert(&mut tx, &product).await?;
        self.outbox.emit(&mut tx, &ProductEvent::Created(snapshot(&product, None))).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[]).await;
        let view = view.into_iter().next().ok_or_else(|| CatalogError::Internal("no view of a new product".into()))?;
        tracing::info!(product.id = %view.id, seller.id = %caller.user_id, "product listed");
        Ok(view)
    }

    /// The seller replaces a product's fields; the stock given becomes the available units.
    pub async fn update_product(
        &self,
        caller: &Caller,
        id: Uuid,
        input: &ProductInput,
    ) -> Result<ProductView, CatalogError> {
        caller.require(Role::Seller)?;
        let draft = ProductDraft::parse(input, self.currency, self.settings.low_stock_threshold)?;
        let mut tx = self.begin().await?;
        let mut product = self.own_product(&mut tx, caller, id).await?;
        self.check_seller(&mut tx, caller.user_id).await?;
        if draft.category_id != product.category_id && categories::find(&mut tx, draft.category_id).await?.is_none() {
            return Err(CatalogError::field("category_id", "choose one of the categories"));
        }
        let old_price = product.price;
        let before = Levels { available: product.available, held: product.held, sold: product.sold };
        product.title = draft.title;
        product.description = draft.description;
        product.price = draft.price;
        product.category_id = draft.category_id;
        product.attributes = draft.attributes;
        product.low_stock_threshold = draft.low_stock_threshold;
        product.available = match input.expected_available {
            Some(seen) if !(0..=MAX_STOCK).contains(&seen) => {
                return Err(CatalogError::field("expected_available", format!("give a number from 0 to {MAX_STOCK}")));
            }
            Some(seen) => (before.available + (draft.stock - seen)).clamp(0, MAX_STOCK),
            None => draft.stock,
        };
        product.version += 1;
        product.updated_at = Timestamp::now();
        products::update(&mut tx, &product).await?;
        if product.available != before.available {
            stock::set_available(&mut tx, id, product.available).await?;
            let after = Levels { available: product.available, ..before };
            self.emit_stock(&mut tx, &product, before, after, StockReason::Restocked).await?;
        }
        if old_price != product.price {
            let event = PriceChanged {
                product_id: id,
                seller_id: product.seller_id,
                title: product.title.clone(),
                old_price,
                new_price: product.price,
                version: product.version,
            };
            self.outbox.emit(&mut tx, &ProductEvent::PriceChanged(event)).await?;
        }
        let thumbnail = first_thumbnail(&mut tx, id).await?;
        self.outbox.emit(&mut tx, &ProductEvent::Updated(snapshot(&product, thumbnail))).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[id]).await;
        tracing::info!(product.id = %id, "product updated");
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// The seller takes a product off sale or puts it back; an admin's hiding only an admin can undo.
    pub async fn set_hidden(&self, caller: &Caller, id: Uuid, hidden: bool) -> Result<ProductView, CatalogError> {
        caller.require(Role::Seller)?;
        let mut tx = self.begin().await?;
        let mut product = self.own_product(&mut tx, caller, id).await?;
        if !hidden {
            self.check_seller(&mut tx, caller.user_id).await?;
            if product.hidden_by_admin {
                return Err(CatalogError::HiddenByAdmin(product.hidden_reason.clone().unwrap_or_default()));
            }
        }
        self.change_visibility(&mut tx, &mut product, hidden, None).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[id]).await;
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// An admin hides any product, saying why (the seller is told through `product_hidden`), or shows it.
    pub async fn moderate(
        &self,
        caller: &Caller,
        id: Uuid,
        hidden: bool,
        reason: &str,
    ) -> Result<ProductView, CatalogError> {
        caller.require(Role::Admin)?;
        let reason = reason.trim();
        if hidden && (reason.is_empty() || reason.chars().count() > 500) {
            return Err(CatalogError::field("reason", "tell the seller why, in at most 500 characters"));
        }
        let mut tx = self.begin().await?;
        let mut product = products::get_for_update(&mut tx, id).await?;
        self.change_visibility(&mut tx, &mut product, hidden, hidden.then_some(reason)).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[id]).await;
        tracing::info!(product.id = %id, hidden, "product moderated");
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// An admin features a product on the home page, or stops featuring it.
    pub async fn feature(&self, caller: &Caller, id: Uuid, featured: bool) -> Result<ProductView, CatalogError> {
        caller.require(Role::Admin)?;
        let mut tx = self.begin().await?;
        let mut product = products::get_for_update(&mut tx, id).await?;
        if product.featured != featured {
            // Not part of what other services keep of a product, so no new version and no event.
            product.featured = featured;
            products::update(&mut tx, &product).await?;
        }
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[id]).await;
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// The seller deletes a product: it leaves the shop for good, its record stays for past orders, and
    /// units held by open checkouts can still be confirmed or released.
    pub async fn delete_product(&self, caller: &Caller, id: Uuid) -> Result<(), CatalogError> {
        caller.require(Role::Seller)?;
        let mut tx = self.begin().await?;
        let mut product = self.own_product(&mut tx, caller, id).await?;
        product.status = ProductStatus::Deleted;
        product.featured = false;
        product.version += 1;
        product.updated_at = Timestamp::now();
        products::update(&mut tx, &product).await?;
        let event = ProductDeleted { product_id: id, seller_id: product.seller_id, version: product.version };
        self.outbox.emit(&mut tx, &ProductEvent::Deleted(event)).await?;
        tx.commit().await?;
        self.cache.changed(&[id]).await;
        tracing::info!(product.id = %id, "product deleted");
        Ok(())
    }

    /// A product as `viewer` may see it: products for sale to everyone; hidden ones to their seller and
    /// admins only (to others they do not exist); deleted ones to no one.
    pub async fn product(&self, viewer: Option<&Caller>, id: Uuid) -> Result<ProductView, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        let product = visible(&mut conn, viewer, id).await?;
        let views = self.views(&mut conn, vec![product], viewer).await?;
        views.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// Several products for sale at once (a wishlist, a cart), in the order asked; unknown, hidden and
    /// deleted ones are left out.
    pub async fn products(&self, ids: &[Uuid]) -> Result<Vec<ProductView>, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        let found = products::find_many(&mut conn, ids).await?;
        let mut listed: Vec<Product> = Vec::with_capacity(found.len());
        let mut suspended = std::collections::HashMap::new();
        for id in ids {
            let Some(p) = found.iter().find(|p| p.id == *id && p.status == ProductStatus::Active) else { continue };
            let off = match suspended.get(&p.seller_id) {
                Some(off) => *off,
                None => {
                    let off = sellers::find(&mut conn, p.seller_id).await?.is_some_and(|s| !s.active);
                    suspended.insert(p.seller_id, off);
                    off
                }
            };
            if !off {
                listed.push(p.clone());
            }
        }
        self.views(&mut conn, listed, None).await
    }

    /// The caller's own products (hidden ones too), newest first.
    pub async fn my_products(
        &self,
        caller: &Caller,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<Page<ProductView>, CatalogError> {
        caller.require(Role::Seller)?;
        let after = cursor.map(|c| c.decode::<(i64, String)>()).transpose().map_err(|_| CatalogError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        let rows = products::list(&mut conn, Listing::OfSeller(caller.user_id), after, size.fetch_limit()).await?;
        self.page_of(&mut conn, rows, size, Some(caller)).await
    }

    /// Products for admins to moderate (all, or only hidden ones), newest first.
    pub async fn products_for_admin(
        &self,
        caller: &Caller,
        only_hidden: bool,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<Page<ProductView>, CatalogError> {
        caller.require(Role::Admin)?;
        let after = cursor.map(|c| c.decode::<(i64, String)>()).transpose().map_err(|_| CatalogError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        let listing = if only_hidden { Listing::Hidden } else { Listing::All };
        let rows = products::list(&mut conn, listing, after, size.fetch_limit()).await?;
        self.page_of(&mut conn, rows, size, Some(caller)).await
    }

    /// The caller's product, locked; another seller's product is [`CatalogError::NotOwner`].
    pub(super) async fn own_product(
        &self,
        tx: &mut agora_db::Tx,
        caller: &Caller,
        id: Uuid,
    ) -> Result<Product, CatalogError> {
        let product = products::get_for_update(tx, id).await?;
        if product.seller_id != caller.user_id {
            return Err(CatalogError::NotOwner);
        }
        Ok(product)
    }

    /// A suspended shop (identity revoked the seller role) cannot list or change products, even while its
    /// last access token is still valid.
    pub(super) async fn check_seller(&self, tx: &mut agora_db::Tx, seller_id: Uuid) -> Result<(), CatalogError> {
        match sellers::find(tx, seller_id).await? {
            Some(seller) if !seller.active => Err(CatalogError::SellerSuspended),
            _ => Ok(()),
        }
    }

    async fn change_visibility(
        &self,
        tx: &mut agora_db::Tx,
        product: &mut Product,
        hidden: bool,
        admin_reason: Option<&str>,
    ) -> Result<(), CatalogError> {
        let target = if hidden { ProductStatus::Hidden } else { ProductStatus::Active };
        if product.status == target && admin_reason.is_none() {
            return Ok(());
        }
        product.status = target;
        product.hidden_by_admin = admin_reason.is_some();
        product.hidden_reason = admin_reason.map(str::to_owned);
        product.version += 1;
        product.updated_at = Timestamp::now();
        products::update(tx, product).await?;
        let event = if hidden {
            ProductEvent::Hidden(ProductHidden {
                product_id: product.id,
                seller_id: product.seller_id,
                title: product.title.clone(),
                by_admin: admin_reason.is_some(),
                reason: admin_reason.map(str::to_owned),
                version: product.version,
            })
        } else {
            ProductEvent::Shown(ProductShown {
                product_id: product.id,
                seller_id: product.seller_id,
                version: product.version,
            })
        };
        self.outbox.emit(tx, &event).await?;
        let thumbnail = first_thumbnail(tx, product.id).await?;
        self.outbox.emit(tx, &ProductEvent::Updated(snapshot(product, thumbnail))).await?;
        Ok(())
    }
}

impl Catalog {
    async fn page_of(
        &self,
        conn: &mut sqlx::AnyConnection,
        rows: Vec<Product>,
        size: PageSize,
        viewer: Option<&Caller>,
    ) -> Result<Page<ProductView>, CatalogError> {
        let page = Page::from_rows(rows, size, |p| (p.created_at.as_micros(), p.id.to_string()));
        let items = self.views(conn, page.items, viewer).await?;
        Ok(Page { items, next_cursor: page.next_cursor })
    }
}

/// The product if `viewer` may see it (see [`Catalog::product`]), otherwise [`CatalogError::ProductNotFound`].
pub(super) async fn visible(
    conn: &mut sqlx::AnyConnection,
    viewer: Option<&Caller>,
    id: Uuid,
) -> Result<Product, CatalogError> {
    let product = products::find(conn, id).await?.ok_or(CatalogError::ProductNotFound)?;
    let privileged = viewer.is_some_and(|c| owns_or_admin(c, product.seller_id));
    let seller_active = sellers::find(conn, product.seller_id).await?.is_none_or(|s| s.active);
    let shown = match product.status {
        ProductStatus::Active => seller_active || privileged,
        ProductStatus::Hidden => privileged,
        ProductStatus::Deleted => false,
    };
    if shown { Ok(product) } else { Err(CatalogError::ProductNotFound) }
}

pub(super) async fn first_thumbnail(conn: &mut sqlx::AnyConnection, id: Uuid) -> Result<Option<String>, CatalogError> {
    Ok(images::of_products(conn, &[id]).await?.into_iter().next().map(|i| i.stored.thumb_key))
}

pub(super) fn snapshot(p: &Product, thumbnail: Option<String>) -> ProductSnapshot {
    ProductSnapshot {
        product_id: p.id,
        seller_id: p.seller_id,
        title: p.title.clone(),
        price: p.price,
        category_id: p.category_id,
        status: p.status.as_str().to_owned(),
        available: p.available,
        thumbnail,
        version: p.version,
        updated_at: p.updated_at,
        low_stock_threshold: Some(p.low_stock_threshold),
    }
}
