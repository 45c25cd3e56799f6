//! The frames chat's sockets receive, built once and shared by every socket they go to.
//!
//! - `{"type":"unread","unread":n,"conversations":k}`: the user's totals, on open and whenever they change;
//! - `{"type":"message","message":{id,conversation_id,seq,sender_id,body,sent_at},"unread_total":n}`: a new
//!   message (`unread_total`, the recipient's total, only in frames to the recipient);
//! - `{"type":"read","conversation_id","reader_id","up_to_seq"}`: a read receipt, to both participants;
//! - `{"type":"sent","client_id":..,"message":MessageView}`: the ack to the socket that sent a message;
//! - `{"type":"resumed","conversations":{"<id>":{"last_seq":n,"more":bool}}}`: the end of a resume's answer
//!   (`more`: over the cap; fetch the rest with `GET …/messages?after=`);
//! - `{"type":"error","code":..,"detail":..}` with `conversation_id`, `client_id`, `retry_after_secs` or
//!   `errors` where they apply.

use agora_http::live::{Frame, frame};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::app::MessageView;
use crate::domain::{ChatError, Message};
use crate::store::unread::Unread;

pub fn unread(unread: Unread) -> Frame {
    frame(&json!({ "type": "unread", "unread": unread.unread, "conversations": unread.conversations }))
}

/// A message for its sender's sockets (`None`) or its recipient's (with their unread total).
pub fn message(m: &Message, unread_total: Option<i64>) -> Frame {
    let mut value = json!({
        "type": "message",
        "message": {
            "id": m.id,
            "conversation_id": m.conversation_id,
            "seq": m.seq,
            "sender_id": m.sender_id,
            "body": m.body,
            "sent_at": m.sent_at.to_rfc3339(),
        },
    });
    if let Some(total) = unread_total {
        value["unread_total"] = json!(total);
    }
    frame(&value)
}

pub fn read(conversation_id: Uuid, reader_id: Uuid, up_to_seq: i64) -> Frame {
    frame(
        &json!({ "type": "read", "conversation_id": conversation_id, "reader_id": reader_id, "up_to_seq": up_to_seq }),
    )
}

pub fn sent(client_id: Option<&str>, message: &MessageView) -> Frame {
    frame(&json!({ "type": "sent", "client_id": client_id, "message": message }))
}

pub fn resumed(conversations: Map<String, Value>) -> Frame {
    frame(&json!({ "type": "resumed", "conversations": conversations }))
}

/// What went wrong with a client frame about `conversation_id` (a `send` also echoes its `client_id`).
pub fn error(err: &ChatError, conversation_id: Option<Uuid>, client_id: Option<&str>) -> Frame {
    let (code, detail) = match err {
        ChatError::ConversationNotFound => ("not_found", err.to_string()),
        ChatError::RateLimited(_) => ("rate_limited", err.to_string()),
        ChatError::Invalid(_) | ChatError::BadCursor => ("invalid_input", err.to_string()),
        ChatError::Auth(_) => ("unauthorized", err.to_string()),
        other => {
            tracing::error!(error = %other, "socket frame failed");
            ("internal", "something went wrong; try again".to_owned())
        }
    };
    let mut value = json!({ "type": "error", "code": code, "detail": detail });
    if let Some(id) = conversation_id {
        value["conversation_id"] = json!(id);
    }
    if let Some(client_id) = client_id {
        value["client_id"] = json!(client_id);
    }
    match err {
        ChatError::RateLimited(secs) => value["retry_after_secs"] = json!(secs),
        ChatError::Invalid(fields) => value["errors"] = json!(fields),
        _ => {}
    }
    frame(&value)
}

#[cfg(test)]
mod tests {
    use agora_core::Timestamp;

    use super::*;

    fn parse(frame: &Frame) -> Value {
        serde_json::from_str(frame).unwrap()
    }

    #[test]
    fn only_the_recipients_message_frame_carries_their_unread_total() {
        let m = Message {
            id: Uuid::now_v7(),
            conversation_id: Uuid::now_v7(),
            seq: 7,
            sender_id: Uuid::now_v7(),
            body: "hi".to_owned(),
            sent_at: Timestamp::now(),
        };
        let to_recipient = parse(&message(&m, Some(3)));
        assert_eq!(to_recipient["unread_total"], 3);
        assert_eq!(to_recipient["message"]["seq"], 7);
        assert!(to_recipient["message"].get("mine").is_none(), "one frame serves every socket of a user");
        assert!(parse(&message(&m, None)).get("unread_total").is_none());
    }

    #[test]
    fn errors_say_which_conversation_and_when_to_retry() {
        let id = Uuid::now_v7();
        let limited = parse(&error(&ChatError::RateLimited(12), Some(id), Some("c1")));
        assert_eq!((limited["code"].as_str(), limited["retry_after_secs"].as_u64()), (Some("rate_limited"), Some(12)));
        assert_eq!(limited["client_id"], "c1");
        let missing = parse(&error(&ChatError::ConversationNotFound, Some(id), None));
        assert_eq!(
            (missing["code"].as_str(), missing["conversation_id"].as_str()),
            (Some("not_found"), Some(&*id.to_string()))
        );
    }
}
