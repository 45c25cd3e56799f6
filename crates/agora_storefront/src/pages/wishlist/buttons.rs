//! The wishlist buttons of a page's products: "Save" or "Remove from wishlist" for a buyer, known from ONE
//! `contains` call per page; a "Save" link to sign in for a visitor. When wishlist does not answer, the page
//! shows "Save" on every product (saving twice keeps one), so it renders all the same.

use uuid::Uuid;

use crate::Storefront;
use crate::session::Session;

/// Which of a page's products the visitor saved, for their buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedProducts {
    /// The page shows no wishlist buttons.
    NoButtons,
    /// A visitor: "Save" leads to signing in, then back to this address.
    SignedOut { sign_in: String },
    /// A buyer, and which of the page's products they saved.
    Known(Vec<Uuid>),
    /// A buyer whose wishlist did not answer.
    Unknown,
}

impl SavedProducts {
    /// The state of `ids` for the session's visitor, who comes back to `back` after signing in.
    pub async fn load(app: &Storefront, session: &Session, ids: &[Uuid], back: &str) -> SavedProducts {
        let Some(user) = session.user() else { return SavedProducts::signed_out(back) };
        match app.wishlist.contains(&user.access_token, ids).await {
            Ok(saved) => SavedProducts::Known(saved),
            Err(err) => {
                tracing::info!(error = %err, "the page's wishlist buttons are shown without their state");
                SavedProducts::Unknown
            }
        }
    }

    /// A visitor's "Save" link: sign in, then back to `back`.
    pub fn signed_out(back: &str) -> SavedProducts {
        SavedProducts::SignedOut { sign_in: sign_in_then(back) }
    }

    /// Whether the page shows a wishlist button at all.
    pub fn shown(&self) -> bool {
        *self != SavedProducts::NoButtons
    }

    /// Where a visitor's "Save" leads; empty for a buyer.
    pub fn sign_in_href(&self) -> &str {
        match self {
            SavedProducts::SignedOut { sign_in } => sign_in,
            _ => "",
        }
    }

    pub fn is_saved(&self, id: &Uuid) -> bool {
        matches!(self, SavedProducts::Known(saved) if saved.contains(id))
    }
}

/// The sign-in page, coming back to `back` (a local address, kept whole with its query) afterwards.
pub fn sign_in_then(back: &str) -> String {
    let query = serde_urlencoded::to_string([("next", back)]).unwrap_or_default();
    format!("/sign-in?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_signs_in_and_comes_back_to_the_same_results() {
        let state = SavedProducts::signed_out("/search?q=black+tea&cursor=a%26b");
        assert_eq!(state.sign_in_href(), "/sign-in?next=%2Fsearch%3Fq%3Dblack%2Btea%26cursor%3Da%2526b");
        assert!(state.shown() && !state.is_saved(&Uuid::nil()));
    }

    #[test]
    fn only_what_wishlist_named_is_saved() {
        let (tea, cup) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let state = SavedProducts::Known(vec![tea]);
        assert!(state.is_saved(&tea) && !state.is_saved(&cup));
        assert!(!SavedProducts::Unknown.is_saved(&tea) && SavedProducts::Unknown.shown());
        assert!(!SavedProducts::NoButtons.shown());
    }
}
