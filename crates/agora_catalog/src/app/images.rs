//! Product images: checked and re-encoded by the media store, listed in order on the product.

use agora_events::catalog::ProductEvent;
use agora_http::{Caller, Role};
use agora_media::StoredObject;
use bytes::Bytes;
use uuid::Uuid;

use super::Catalog;
use super::products::{first_thumbnail, snapshot};
use super::views::ProductView;
use crate::domain::CatalogError;
use crate::store::{images, products};

impl Catalog {
    /// Adds an image to the caller's product. Ownership and the picture limit are checked before the upload
    /// is decoded, so no one can make the server process pictures for products that are not theirs.
    pub async fn add_image(
        &self,
        caller: &Caller,
        product_id: Uuid,
        upload: Bytes,
    ) -> Result<ProductView, CatalogError> {
        caller.require(Role::Seller)?;
        {
            let mut conn = self.db.pool().acquire().await?;
            let product = products::find(&mut conn, product_id)
                .await?
                .filter(|p| p.status != crate::domain::ProductStatus::Deleted)
                .ok_or(CatalogError::ProductNotFound)?;
            if product.seller_id != caller.user_id {
                return Err(CatalogError::NotOwner);
            }
            // Checked again below; checking first keeps a refused picture out of the store.
            if images::of_products(&mut conn, &[product_id]).await?.len() >= self.settings.max_images {
                return Err(CatalogError::TooManyImages(self.settings.max_images));
            }
        }
        let stored = self.media.put_image(upload).await?;
        let mut tx = self.begin().await?;
        let mut product = self.own_product(&mut tx, caller, product_id).await?;
        self.check_seller(&mut tx, caller.user_id).await?;
        let count = images::of_products(&mut tx, &[product_id]).await?.len();
        if count >= self.settings.max_images {
            return Err(CatalogError::TooManyImages(self.settings.max_images));
        }
        images::insert(&mut tx, agora_core::new_id(), product_id, &stored).await?;
        self.touch(&mut tx, &mut product).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[product_id]).await;
        tracing::info!(product.id = %product_id, image.key = %stored.key, "product image added");
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// Removes an image from the caller's product (and from storage once no product uses the picture).
    pub async fn remove_image(
        &self,
        caller: &Caller,
        product_id: Uuid,
        image_id: Uuid,
    ) -> Result<ProductView, CatalogError> {
        caller.require(Role::Seller)?;
        let mut tx = self.begin().await?;
        let mut product = self.own_product(&mut tx, caller, product_id).await?;
        self.check_seller(&mut tx, caller.user_id).await?;
        let removed = images::delete(&mut tx, product_id, image_id).await?.ok_or(CatalogError::ImageNotFound)?;
        self.touch(&mut tx, &mut product).await?;
        let still_used = images::key_in_use(&mut tx, &removed.stored.key).await?;
        let view = self.views(&mut tx, vec![product], Some(caller)).await?;
        tx.commit().await?;
        self.cache.changed(&[product_id]).await;
        if !still_used && let Err(err) = self.media.delete_image(&removed.stored).await {
            tracing::warn!(error = %err, image.key = %removed.stored.key, "could not delete an unused image");
        }
        view.into_iter().next().ok_or(CatalogError::ProductNotFound)
    }

    /// A stored picture, by key.
    pub async fn image(&self, key: &str) -> Result<StoredObject, CatalogError> {
        self.media.get(key).await?.ok_or(CatalogError::ImageNotFound)
    }

    /// A new version of the product (its pictures changed), announced with its new thumbnail.
    async fn touch(&self, tx: &mut agora_db::Tx, product: &mut products::Product) -> Result<(), CatalogError> {
        product.version += 1;
        product.updated_at = agora_core::Timestamp::now();
        products::update(tx, product).await?;
        let thumbnail = first_thumbnail(tx, product.id).await?;
        self.outbox.emit(tx, &ProductEvent::Updated(snapshot(product, thumbnail))).await?;
        Ok(())
    }
}
