//! Chat's socket protocol on top of the shared one: `send`, `read` and `resume` frames from the client,
//! each checked against the caller's participation like the REST API (anyone else is told the
//! conversation does not exist).
//!
//! - `{"type":"send","conversation_id","body","client_id"?}` → `sent` (the message also arrives as a
//!   `message` frame, like on every socket of both participants);
//! - `{"type":"read","conversation_id","up_to_seq"}` → a `read` receipt to both participants;
//! - `{"type":"resume","conversations":{"<id>":<last seq the client has>,…}}` → the messages after each
//!   (`message` frames, ascending, at most 200 per conversation and 1,000 in all), then `resumed`.

use agora_http::Caller;
use agora_http::live::{Frame, LiveHandler};
use async_trait::async_trait;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::frames;
use crate::app::Chats;
use crate::config::MAX_PAGE;
use crate::domain::ChatError;

/// Conversations one `resume` may name.
const MAX_RESUME: usize = 200;
/// Messages one resume answers in all; conversations past it are reported with `more` (the client asks again).
const MAX_RESUME_MESSAGES: i64 = 1000;
/// Longest `client_id` echoed back.
const MAX_CLIENT_ID: usize = 100;

pub struct ChatSocket {
    pub chats: Chats,
}

#[async_trait]
impl LiveHandler for ChatSocket {
    async fn on_open(&self, caller: &Caller) -> Vec<Frame> {
        match self.chats.unread(caller.user_id).await {
            Ok(totals) => vec![frames::unread(totals)],
            Err(err) => vec![frames::error(&err, None, None)],
        }
    }

    async fn on_message(&self, caller: &Caller, message: Value) -> Vec<Frame> {
        match message["type"].as_str() {
            Some("send") => self.send(caller, &message).await,
            Some("read") => self.read(caller, &message).await,
            Some("resume") => self.resume(caller, &message).await,
            _ => vec![agora_http::live::error_frame("invalid_frame", "unknown frame type: send, read or resume")],
        }
    }
}

impl ChatSocket {
    async fn send(&self, caller: &Caller, message: &Value) -> Vec<Frame> {
        let client_id = match message.get("client_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if id.chars().count() <= MAX_CLIENT_ID => Some(id.as_str()),
            Some(_) => {
                let err = ChatError::field("client_id", format!("a string of at most {MAX_CLIENT_ID} characters"));
                return vec![frames::error(&err, None, None)];
            }
        };
        let id = match conversation_id(message) {
            Ok(id) => id,
            Err(err) => return vec![frames::error(&err, None, client_id)],
        };
        let Some(body) = message.get("body").and_then(Value::as_str) else {
            return vec![frames::error(&ChatError::field("body", "the message text"), Some(id), client_id)];
        };
        match self.chats.post(caller, id, body).await {
            Ok(view) => vec![frames::sent(client_id, &view)],
            Err(err) => vec![frames::error(&err, Some(id), client_id)],
        }
    }

    async fn read(&self, caller: &Caller, message: &Value) -> Vec<Frame> {
        let id = match conversation_id(message) {
            Ok(id) => id,
            Err(err) => return vec![frames::error(&err, None, None)],
        };
        let Some(up_to_seq) = message.get("up_to_seq").and_then(Value::as_i64) else {
            return vec![frames::error(&ChatError::field("up_to_seq", "a message seq"), Some(id), None)];
        };
        match self.chats.mark_read(caller, id, up_to_seq).await {
            // The receipt reaches every socket of both participants, this one included.
            Ok(_) => Vec::new(),
            Err(err) => vec![frames::error(&err, Some(id), None)],
        }
    }

    async fn resume(&self, caller: &Caller, message: &Value) -> Vec<Frame> {
        let Some(asked) = message.get("conversations").and_then(Value::as_object) else {
            let err = ChatError::field("conversations", "an object of conversation ids and the last seq held");
            return vec![frames::error(&err, None, None)];
        };
        if asked.len() > MAX_RESUME {
            let err = ChatError::field("conversations", format!("at most {MAX_RESUME} conversations at once"));
            return vec![frames::error(&err, None, None)];
        }
        let mut answer = Vec::new();
        let mut resumed = Map::new();
        let mut budget = MAX_RESUME_MESSAGES;
        for (key, seq) in asked {
            let (Ok(id), Some(after)) = (Uuid::parse_str(key), seq.as_i64().filter(|s| *s >= 0)) else {
                let err = ChatError::field(&format!("conversations.{key}"), "a conversation id and a seq of 0 or more");
                answer.push(frames::error(&err, None, None));
                continue;
            };
            match self.missed(caller, id, after, budget.min(i64::from(MAX_PAGE))).await {
                Ok((messages, more)) => {
                    budget -= i64::try_from(messages.len()).unwrap_or(budget);
                    let last_seq = messages.last().map_or(after, |m| m.seq);
                    answer.extend(messages.iter().map(|m| frames::message(m, None)));
                    resumed.insert(id.to_string(), json!({ "last_seq": last_seq, "more": more }));
                }
                Err(err) => answer.push(frames::error(&err, Some(id), None)),
            }
        }
        answer.push(frames::resumed(resumed));
        answer
    }

    /// The messages of one of the caller's conversations after `after`, capped, and whether more follow.
    async fn missed(
        &self,
        caller: &Caller,
        id: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<crate::domain::Message>, bool), ChatError> {
        let mut conn = self.chats.db.pool().acquire().await?;
        self.chats.participant(&mut conn, caller.user_id, id).await?;
        self.chats.missed(&mut conn, id, after, limit).await
    }
}

/// The frame's `conversation_id`.
fn conversation_id(message: &Value) -> Result<Uuid, ChatError> {
    message
        .get("conversation_id")
        .and_then(Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| ChatError::field("conversation_id", "a conversation id"))
}
