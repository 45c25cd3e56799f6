//! A buyer's shipping addresses.

use agora_http::Caller;
use uuid::Uuid;

use super::Orders;
use crate::domain::address::SavedAddress;
use crate::domain::{AddressInput, OrderError};
use crate::store::addresses;

impl Orders {
    pub async fn addresses(&self, caller: &Caller) -> Result<Vec<SavedAddress>, OrderError> {
        let mut conn = self.db.pool().acquire().await?;
        addresses::list(&mut conn, caller.user_id).await
    }

    pub async fn add_address(&self, caller: &Caller, input: &AddressInput) -> Result<SavedAddress, OrderError> {
        let address = input.parse()?;
        let mut tx = self.begin().await?;
        // Counted inside the write transaction; concurrent adds on PostgreSQL may pass the cap together.
        let max = self.settings.max_addresses;
        if addresses::count(&mut tx, caller.user_id).await? >= max {
            return Err(OrderError::TooManyAddresses(max));
        }
        let id = Uuid::now_v7();
        addresses::insert(&mut tx, caller.user_id, id, &address).await?;
        tx.commit().await?;
        Ok(SavedAddress { id, address })
    }

    pub async fn update_address(
        &self,
        caller: &Caller,
        id: Uuid,
        input: &AddressInput,
    ) -> Result<SavedAddress, OrderError> {
        let address = input.parse()?;
        let mut tx = self.begin().await?;
        if !addresses::update(&mut tx, caller.user_id, id, &address).await? {
            return Err(OrderError::AddressNotFound);
        }
        tx.commit().await?;
        Ok(SavedAddress { id, address })
    }

    /// Past orders keep their copy of the address.
    pub async fn delete_address(&self, caller: &Caller, id: Uuid) -> Result<(), OrderError> {
        let mut tx = self.begin().await?;
        if !addresses::delete(&mut tx, caller.user_id, id).await? {
            return Err(OrderError::AddressNotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
