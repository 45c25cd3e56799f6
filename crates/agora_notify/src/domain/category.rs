//! [`Category`]: what a notification is about, and what a user can mute; [`Muted`]: one user's muted set.

use std::fmt;

/// What a notification is about. Each can be muted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Orders,
    Messages,
    Account,
    Products,
    Wishlist,
}

impl Category {
    /// Every category, in the order preferences list them.
    pub const ALL: [Category; 5] =
        [Category::Orders, Category::Messages, Category::Account, Category::Products, Category::Wishlist];

    /// The name APIs and storage use.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Orders => "orders",
            Category::Messages => "messages",
            Category::Account => "account",
            Category::Products => "products",
            Category::Wishlist => "wishlist",
        }
    }

    /// How a settings page names it.
    pub fn label(self) -> &'static str {
        match self {
            Category::Orders => "Orders, payments and deliveries",
            Category::Messages => "Messages from buyers and sellers",
            Category::Account => "Your seller account",
            Category::Products => "Your products",
            Category::Wishlist => "Price drops and restocks on your wishlist",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The categories one user muted (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Muted(Vec<Category>);

impl Muted {
    /// The set of `categories`, each once, in [`Category::ALL`] order.
    pub fn of(categories: impl IntoIterator<Item = Category>) -> Muted {
        let mut list: Vec<Category> = categories.into_iter().collect();
        list.sort();
        list.dedup();
        Muted(list)
    }

    pub fn contains(&self, category: Category) -> bool {
        self.0.contains(&category)
    }

    /// As stored: names separated by commas.
    pub fn to_stored(&self) -> String {
        self.0.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
    }

    /// From storage; names this version does not know are dropped.
    pub fn from_stored(text: &str) -> Muted {
        Muted::of(text.split(',').filter_map(|name| Category::parse(name.trim())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_by_name_and_unknown_names_are_none() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("Orders"), None);
        assert_eq!(Category::parse("marketing"), None);
    }

    #[test]
    fn a_muted_set_is_stored_in_order_without_repeats() {
        let muted = Muted::of([Category::Wishlist, Category::Orders, Category::Wishlist]);
        assert_eq!(muted.to_stored(), "orders,wishlist");
        assert_eq!(Muted::from_stored("orders,wishlist,gone"), muted);
        assert!(Muted::from_stored("").to_stored().is_empty());
        assert!(muted.contains(Category::Orders) && !muted.contains(Category::Messages));
    }
}
