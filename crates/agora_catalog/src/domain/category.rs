//! Categories: a tree kept as materialised paths, so "this category and everything under it" is one
//! indexed prefix match.

use agora_core::Timestamp;
use uuid::Uuid;

use super::bounded_text;

/// How deep the tree may grow.
pub const MAX_DEPTH: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
    /// `/<root id>/…/<own id>/`.
    pub path: String,
    pub created_at: Timestamp,
}

impl Category {
    /// The path of a child of `parent` (or of a root) with id `id`.
    pub fn child_path(parent: Option<&Category>, id: Uuid) -> String {
        match parent {
            Some(p) => format!("{}{id}/", p.path),
            None => format!("/{id}/"),
        }
    }

    /// Levels from the root (a root is 1).
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(1)
    }
}

/// A category's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryName(String);

impl CategoryName {
    pub fn parse(name: &str) -> Result<CategoryName, String> {
        bounded_text(name, "name", 2, 60).map(CategoryName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-cased, for uniqueness among siblings.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// A URL slug: lower-case ASCII letters and digits separated by single dashes.
    pub fn slug(&self) -> String {
        let mut slug = String::with_capacity(self.0.len());
        for c in self.0.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() { "category".to_owned() } else { slug.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(CategoryName::parse(" Tea & Coffee ").unwrap().slug(), "tea-coffee");
        assert_eq!(CategoryName::parse("Çà ☕").unwrap().slug(), "category");
    }

    #[test]
    fn paths_nest_and_give_the_depth() {
        let root = Category {
            id: Uuid::nil(),
            parent_id: None,
            name: "A".into(),
            slug: "a".into(),
            path: Category::child_path(None, Uuid::nil()),
            created_at: Timestamp::now(),
        };
        let child = Category::child_path(Some(&root), Uuid::max());
        assert!(child.starts_with(&root.path));
        assert_eq!(root.depth(), 1);
        assert_eq!(Category { path: child, ..root }.depth(), 2);
    }
}
