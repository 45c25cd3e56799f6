//! One conversation, `/messages/{id}`: who with and about which product, the newest messages (or with
//! `?before=<seq>` the page before, "Earlier messages" going back), "Seen" under the user's last message the
//! other side has read, and a form to send a message (`POST /messages/{id}`, then back to the page; a
//! refused message comes back in the form with chat's reason: too long, empty, too many too fast).
//! Looking at the newest page marks it read. A conversation the user is not in is not found.
//!
//! The page carries what the live script needs in `data-` attributes of `#conversation`: the
//! conversation's id, the last seq shown, the last seq the other side read, and whether new messages
//! belong at the end (only on the newest page).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::Storefront;
use crate::chat::{Conversation, History, Message};
use crate::chrome::Chrome;
use crate::error::PageError;
use crate::form::CsrfForm;
use crate::pages::{capitalise, path_id, render_with, signed_in};
use crate::session::{Session, SignedIn};
use agora_http::client::ClientError;

#[derive(Template)]
#[template(path = "messages/conversation.html")]
struct ConversationPage {
    chrome: Chrome,
    conversation: Conversation,
    messages: Vec<Message>,
    me: Uuid,
    /// The page before this one, if there is one.
    earlier: Option<i64>,
    /// This is not the newest page.
    paged_back: bool,
    /// The seq of the user's message to mark "Seen" (0: none).
    seen_seq: i64,
    /// The last seq shown (0: none).
    last_seq: i64,
    /// The send form as refused, and why.
    draft: String,
    error: String,
}

impl ConversationPage {
    fn is_mine(&self, message: &Message) -> bool {
        message.sender_id == self.me
    }

    fn sender(&self, message: &Message) -> String {
        if self.is_mine(message) { "You".to_owned() } else { self.conversation.counterpart.name.clone() }
    }

    /// What the user is to the other side, for the heading's line.
    fn about(&self) -> &'static str {
        if self.conversation.role == "seller" { "A buyer asks about" } else { "About" }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HistoryQuery {
    /// Show the messages before this seq; empty for the newest.
    before: String,
}

pub async fn show(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
    uri: Uri,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id = path_id(&id)?;
    let before = match query.before.as_str() {
        "" => None,
        text => Some(text.parse::<i64>().ok().filter(|seq| *seq > 0).ok_or(PageError::BadRequest)?),
    };
    conversation_page(&app, &session, &user, id, before, Draft::default()).await
}

/// A refused message, back in the form.
#[derive(Default)]
struct Draft {
    body: String,
    error: String,
    status: Option<StatusCode>,
}

async fn conversation_page(
    app: &Storefront,
    session: &Session,
    user: &SignedIn,
    id: Uuid,
    before: Option<i64>,
    draft: Draft,
) -> Result<Response, PageError> {
    let token = &user.access_token;
    let (conversation, history): (Conversation, History) =
        tokio::try_join!(app.chat.conversation(token, id), app.chat.history(token, id, before))?;
    let last_seq = history.items.last().map_or(0, |m| m.seq);
    // The newest page was seen: what it shows is read (a message that arrived meanwhile is not).
    if before.is_none() && conversation.unread > 0 && last_seq > 0 {
        match app.chat.read(token, id, last_seq).await {
            Ok(_) => session.messages_read(conversation.unread),
            Err(err) => tracing::info!(conversation.id = %id, error = %err, "could not mark a conversation read"),
        }
    }
    let seen_seq = history
        .items
        .iter()
        .filter(|m| m.sender_id == user.user_id && m.seq <= conversation.their_read_seq)
        .map(|m| m.seq)
        .max()
        .unwrap_or(0);
    let title = format!("{} · {}", conversation.counterpart.name, conversation.product.title);
    let page = ConversationPage {
        chrome: Chrome::new(session, title, &format!("/messages/{id}")),
        me: user.user_id,
        earlier: history.next_before,
        paged_back: before.is_some(),
        seen_seq,
        last_seq,
        messages: history.items,
        conversation,
        draft: draft.body,
        error: draft.error,
    };
    Ok(render_with(draft.status.unwrap_or(StatusCode::OK), &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SendForm {
    body: String,
}

/// Sends a message from the form, then shows the conversation again (or the refused message with why).
pub async fn send(
    State(app): State<Storefront>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    uri: Uri,
    CsrfForm(form): CsrfForm<SendForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&session, &uri)?;
    let id = path_id(&id)?;
    match app.chat.post(&user.access_token, id, &form.body).await {
        Ok(message) => Ok(Redirect::to(&format!("/messages/{id}#m{}", message.seq)).into_response()),
        Err(err) => {
            let (status, error) = refusal(err)?;
            let draft = Draft { body: form.body, error, status: Some(status) };
            conversation_page(&app, &session, &user, id, None, draft).await
        }
    }
}

/// Why chat refused a message, for the form; anything else (not found, signed out, chat down) is a page.
fn refusal(err: ClientError) -> Result<(StatusCode, String), PageError> {
    let ClientError::Problem(problem) = &err else { return Err(err.into()) };
    match problem.status {
        429 => {
            let seconds = problem.retry_after.unwrap_or(1).max(1);
            let unit = if seconds == 1 { "second" } else { "seconds" };
            let message =
                format!("You are sending messages too fast. Please wait {seconds} {unit}, then send it again.");
            Ok((StatusCode::TOO_MANY_REQUESTS, message))
        }
        400 | 422 => {
            let message = problem
                .errors
                .iter()
                .find(|e| e.field == "body")
                .or(problem.errors.first())
                .map(|e| format!("Your message: {}", e.message))
                .or_else(|| problem.detail.clone())
                .unwrap_or_else(|| "Please write a message.".to_owned());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, capitalise(&message)))
        }
        _ => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_http::client::{FieldProblem, Problem};

    fn problem(status: u16, code: &str, errors: Vec<FieldProblem>, retry_after: Option<u64>) -> ClientError {
        ClientError::Problem(Problem {
            status,
            code: code.to_owned(),
            detail: Some("the request is invalid".to_owned()),
            errors,
            retry_after,
        })
    }

    #[test]
    fn refused_messages_say_why_and_how_long_to_wait() {
        let (status, message) = refusal(problem(429, "rate_limited", Vec::new(), Some(12))).unwrap();
        assert_eq!(status, 429);
        assert_eq!(message, "You are sending messages too fast. Please wait 12 seconds, then send it again.");
        let too_long = FieldProblem { field: "body".into(), message: "at most 4000 characters".into() };
        let (status, message) = refusal(problem(422, "invalid_input", vec![too_long], None)).unwrap();
        assert_eq!((status.as_u16(), message.as_str()), (422, "Your message: at most 4000 characters."));
    }

    #[test]
    fn other_refusals_are_pages() {
        assert!(matches!(refusal(problem(404, "conversation_not_found", Vec::new(), None)), Err(PageError::NotFound)));
        assert!(matches!(refusal(problem(401, "invalid_token", Vec::new(), None)), Err(PageError::SessionEnded)));
        assert!(matches!(refusal(ClientError::Unavailable("down".into())), Err(PageError::Unavailable)));
    }
}
