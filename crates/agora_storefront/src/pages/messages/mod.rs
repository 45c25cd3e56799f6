//! Messages between buyers and sellers, through chat: `/messages`, the user's conversations a page at a
//! time (the product, who with, the last message, when, and how many are unread), `/messages/{id}`, one
//! conversation (in `conversation`), and "Message the seller" on a product page (in `opening`). Everything
//! works with plain forms and reloads; the live script makes the conversation page follow along.

mod conversation;
mod opening;

pub use conversation::{send, show};
pub use opening::open;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use uuid::Uuid;

use crate::Storefront;
use crate::chat::Conversation;
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::pages::paging::{PageQuery, next_link};
use crate::pages::{render_with, signed_in};
use crate::session::Session;
use agora_http::client::ClientError;

/// Characters of the last message a conversation's row shows.
const PREVIEW_CHARS: usize = 90;

#[derive(Template)]
#[template(path = "messages/list.html")]
struct ConversationsPage {
    chrome: Chrome,
    /// None: chat could not be asked.
    conversations: Option<Vec<ConversationRow>>,
    notice: String,
    first_page: Option<String>,
    next_page: Option<String>,
}

/// One conversation in the list.
struct ConversationRow {
    id: Uuid,
    product_title: String,
    counterpart: String,
    /// The start of the last message, "You: " first when it was the user's.
    preview: String,
    /// When something last happened (RFC 3339).
    updated_at: String,
    unread: i64,
}

impl ConversationRow {
    fn new(conversation: Conversation, me: Uuid) -> ConversationRow {
        let preview = match &conversation.last_message {
            Some(message) => {
                let start = preview(&message.body);
                if message.sender_id == me { format!("You: {start}") } else { start }
            }
            None => "No messages yet.".to_owned(),
        };
        let updated_at = match (&conversation.last_message, conversation.updated_at.is_empty()) {
            (_, false) => conversation.updated_at.clone(),
            (Some(message), true) => message.sent_at.clone(),
            (None, true) => String::new(),
        };
        ConversationRow {
            id: conversation.id,
            product_title: conversation.product.title,
            counterpart: conversation.counterpart.name,
            preview,
            updated_at,
            unread: conversation.unread,
        }
    }
}

/// The start of a message on one line: whitespace collapsed, cut at a word where it can be.
fn preview(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= PREVIEW_CHARS {
        return line;
    }
    let cut: String = line.chars().take(PREVIEW_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > PREVIEW_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

pub async fn list(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let first_page = (!query.cursor.is_empty()).then(|| "/messages".to_owned());
    let (status, conversations, next_cursor, notice) =
        match app.chat.conversations(&user.access_token, &query.cursor).await {
            Ok(page) => {
                let rows = page.items.into_iter().map(|c| ConversationRow::new(c, user.user_id)).collect();
                (StatusCode::OK, Some(rows), page.next_cursor, String::new())
            }
            Err(ClientError::Problem(problem)) if problem.status == 401 => return Err(PageError::SessionEnded),
            Err(ClientError::Problem(problem)) if problem.status == 400 || problem.status == 422 => {
                let notice = "This page of your messages is no longer available. Start again from the first page.";
                (StatusCode::BAD_REQUEST, None, None, notice.to_owned())
            }
            Err(err) => {
                tracing::warn!(error = %err, "the messages page is shown without the conversations");
                let notice = "Your messages cannot be shown right now. Nothing is lost: please try again in a minute.";
                (StatusCode::SERVICE_UNAVAILABLE, None, None, notice.to_owned())
            }
        };
    let page = ConversationsPage {
        chrome: Chrome::new(&session, "Messages", "/messages"),
        conversations,
        notice,
        first_page,
        next_page: next_link("/messages", &[], next_cursor),
    };
    Ok(render_with(status, &page))
}

#[cfg(test)]
mod tests {
    use super::preview;

    #[test]
    fn a_preview_is_one_line_cut_at_a_word() {
        assert_eq!(preview("Is it\n\nstill   available?"), "Is it still available?");
        let long = "word ".repeat(40);
        let cut = preview(&long);
        assert!(cut.ends_with("word…") && cut.chars().count() <= super::PREVIEW_CHARS + 1, "{cut}");
        let unbroken = "x".repeat(200);
        assert_eq!(preview(&unbroken).chars().count(), super::PREVIEW_CHARS + 1);
    }
}
