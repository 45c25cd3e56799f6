//! The category tree, managed by admins.

use agora_core::Timestamp;
use agora_http::{Caller, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Catalog;
use crate::domain::category::MAX_DEPTH;
use crate::domain::{CatalogError, Category, CategoryName};
use crate::store::categories;

/// What an admin sends to create, rename or move a category.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub name: String,
    /// Absent or null: a top-level category.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
}

/// A category with its subcategories.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
}

/// Builds the forest from categories sorted parents-first.
pub fn forest(all: &[Category]) -> Vec<CategoryNode> {
    fn children_of(all: &[Category], parent: Option<Uuid>) -> Vec<CategoryNode> {
        all.iter()
            .filter(|c| c.parent_id == parent)
            .map(|c| CategoryNode {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name.clone(),
                slug: c.slug.clone(),
                children: children_of(all, Some(c.id)),
            })
            .collect()
    }
    children_of(all, None)
}

impl Catalog {
    pub async fn category_tree(&self) -> Result<Vec<CategoryNode>, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(forest(&categories::all(&mut conn).await?))
    }

    pub async fn all_categories(&self) -> Result<Vec<Category>, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        categories::all(&mut conn).await
    }

    pub async fn category_by_slug(&self, slug: &str) -> Result<Category, CatalogError> {
        let mut conn = self.db.pool().acquire().await?;
        categories::find_by_slug(&mut conn, slug).await?.ok_or(CatalogError::CategoryNotFound)
    }

    pub async fn create_category(&self, caller: &Caller, input: &CategoryInput) -> Result<Category, CatalogError> {
        caller.require(Role::Admin)?;
        self.create_category_unchecked(input).await
    }

    /// Creates a category without asking who (for `agora seed`).
    pub async fn create_category_unchecked(&self, input: &CategoryInput) -> Result<Category, CatalogError> {
        let name = CategoryName::parse(&input.name).map_err(|m| CatalogError::field("name", m))?;
        let mut tx = self.begin().await?;
        let parent = self.parent(&mut tx, input.parent_id).await?;
        let id = agora_core::new_id();
        let category = Category {
            id,
            parent_id: input.parent_id,
            name: name.as_str().to_owned(),
            slug: free_slug(&mut tx, &name).await?,
            path: Category::child_path(parent.as_ref(), id),
            created_at: Timestamp::now(),
        };
        if category.depth() > MAX_DEPTH {
            return Err(CatalogError::CategoryTooDeep(MAX_DEPTH));
        }
        categories::insert(&mut tx, &category, &name.key()).await?;
        tx.commit().await?;
        self.cache.clear();
        tracing::info!(category.id = %id, "category created");
        Ok(category)
    }

    /// Renames and/or moves a category (with everything under it). The slug stays, so links keep working.
    pub async fn update_category(
        &self,
        caller: &Caller,
        id: Uuid,
        input: &CategoryInput,
    ) -> Result<Category, CatalogError> {
        caller.require(Role::Admin)?;
        let name = CategoryName::parse(&input.name).map_err(|m| CatalogError::field("name", m))?;
        let mut tx = self.begin().await?;
        let mut category = categories::find(&mut tx, id).await?.ok_or(CatalogError::CategoryNotFound)?;
        let parent = self.parent(&mut tx, input.parent_id).await?;
        if parent.as_ref().is_some_and(|p| p.path.starts_with(&category.path)) {
            return Err(CatalogError::CategoryCycle);
        }
        let old_path = category.path.clone();
        category.name = name.as_str().to_owned();
        category.parent_id = input.parent_id;
        category.path = Category::child_path(parent.as_ref(), id);
        let all = categories::all(&mut tx).await?;
        let old_depth = old_path.matches('/').count().saturating_sub(1);
        let deepest = all
            .iter()
            .filter(|c| c.path.starts_with(&old_path))
            .map(|c| c.depth() - old_depth + category.depth())
            .max()
            .unwrap_or(0);
        if deepest > MAX_DEPTH {
            return Err(CatalogError::CategoryTooDeep(MAX_DEPTH));
        }
        categories::update(&mut tx, &category, &name.key(), &old_path).await?;
        tx.commit().await?;
        self.cache.clear();
        Ok(category)
    }

    /// Deletes an empty category (no subcategories, no products — not even deleted ones, whose history
    /// names it).
    pub async fn delete_category(&self, caller: &Caller, id: Uuid) -> Result<(), CatalogError> {
        caller.require(Role::Admin)?;
        let mut tx = self.begin().await?;
        categories::find(&mut tx, id).await?.ok_or(CatalogError::CategoryNotFound)?;
        if categories::has_children(&mut tx, id).await? {
            return Err(CatalogError::CategoryHasChildren);
        }
        if categories::has_products(&mut tx, id).await? {
            return Err(CatalogError::CategoryHasProducts);
        }
        categories::delete(&mut tx, id).await?;
        tx.commit().await?;
        self.cache.clear();
        Ok(())
    }

    async fn parent(&self, tx: &mut agora_db::Tx, id: Option<Uuid>) -> Result<Option<Category>, CatalogError> {
        match id {
            None => Ok(None),
            Some(id) => categories::find(tx, id)
                .await?
                .map(Some)
                .ok_or_else(|| CatalogError::field("parent_id", "no such category")),
        }
    }
}

/// The name's slug, with a number added when another category has it.
async fn free_slug(tx: &mut agora_db::Tx, name: &CategoryName) -> Result<String, CatalogError> {
    let base = name.slug();
    let mut slug = base.clone();
    let mut n = 2;
    while categories::slug_taken(tx, &slug).await? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}
