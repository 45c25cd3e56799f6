//! Identifiers: UUIDv7 everywhere, so ids sort by creation time.
//!
//! Services declare their own typed ids with [`crate::typed_id!`], which keeps a product id from being
//! passed where an order id is expected.

use uuid::Uuid;

/// A fresh UUIDv7.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Declares a transparent, typed UUIDv7 id: `typed_id!(ProductId);`
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub ::uuid::Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                Self($crate::new_id())
            }
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::uuid::Error;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    typed_id!(ThingId);

    #[test]
    fn typed_ids_round_trip_through_text_and_sort_by_creation() {
        let first = ThingId::new();
        let second = ThingId::new();
        assert!(first < second);
        let parsed: ThingId = first.to_string().parse().unwrap();
        assert_eq!(parsed, first);
        assert_eq!(serde_json::to_string(&first).unwrap(), format!("\"{first}\""));
    }
}
