//! [`ProductIds`]: a comma-separated list of product ids from a query string, parsed and bounded.

use uuid::Uuid;

use super::WishlistError;

/// Distinct product ids, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductIds(Vec<Uuid>);

impl ProductIds {
    /// At most this many ids in one question (what a page of product cards needs).
    pub const MAX: usize = 100;

    /// Parses `a,b,c` (blanks around ids ignored); the error names the `field` at fault.
    pub fn parse(field: &str, text: &str) -> Result<ProductIds, WishlistError> {
        let mut ids: Vec<Uuid> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id = Uuid::parse_str(part)
                .map_err(|_| WishlistError::field(field, format!("{part:?} is not a product id")))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.len() > Self::MAX {
            return Err(WishlistError::field(field, format!("ask about at most {} products at once", Self::MAX)));
        }
        Ok(ProductIds(ids))
    }

    pub fn as_slice(&self) -> &[Uuid] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_without_blanks_or_repeats() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let ids = ProductIds::parse("ids", &format!(" {a}, ,{b},{a}")).unwrap();
        assert_eq!(ids.as_slice(), &[a, b]);
        assert!(ProductIds::parse("ids", "").unwrap().as_slice().is_empty());
    }

    #[test]
    fn bad_or_too_many_ids_are_refused() {
        assert!(ProductIds::parse("ids", "not-an-id").is_err());
        let many: Vec<String> = (0..=ProductIds::MAX).map(|_| Uuid::now_v7().to_string()).collect();
        assert!(ProductIds::parse("ids", &many.join(",")).is_err());
    }
}
