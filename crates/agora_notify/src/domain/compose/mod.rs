//! What each event of the other services tells whom: pure functions from an event to the [`Draft`]s of the
//! users it concerns (none for an event nobody needs to hear about).

mod orders;
mod others;

pub use orders::order;
pub use others::{chat, product, seller, wishlist};

use super::{Category, Draft};
use uuid::Uuid;

fn draft(user_id: Uuid, category: Category, title: String, body: String, link: String) -> Draft {
    Draft { user_id, category, title, body, link: Some(link) }
}

/// The first `max` characters of `text` (whitespace runs folded), with an ellipsis when cut.
pub fn preview(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let mut cut: String = folded.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::preview;

    #[test]
    fn a_preview_keeps_the_first_characters_and_marks_the_cut() {
        assert_eq!(preview("Is it  still\navailable?", 140), "Is it still available?");
        let long = "é".repeat(150);
        let cut = preview(&long, 140);
        assert_eq!(cut.chars().count(), 141);
        assert!(cut.ends_with('…'));
    }
}
