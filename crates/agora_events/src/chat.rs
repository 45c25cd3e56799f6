//! Events of the chat service, all on ONE topic keyed by conversation id (never a topic per conversation),
//! so one conversation's messages and read receipts stay in order. Every chat instance follows the topic to
//! push messages to the sockets it holds; notify turns a message for an offline recipient into a
//! notification.

use agora_core::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A participant posted a message in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagePosted {
    pub conversation_id: Uuid,
    pub message_id: Uuid,
    /// Position of the message in its conversation: 1, 2, 3… without gaps.
    pub seq: i64,
    pub sender_id: Uuid,
    pub recipient_id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    /// The sender's display name, for the recipient's notification.
    pub sender_name: String,
    pub body: String,
    pub sent_at: Timestamp,
    /// Whether the recipient had a chat socket open anywhere when the message was posted. Notify tells an
    /// offline recipient only.
    pub recipient_online: bool,
    /// The recipient's unread messages over all their conversations, this one included, for their badge.
    pub recipient_unread: i64,
}

/// A participant read a conversation up to a message (a read receipt for the other side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagesRead {
    pub conversation_id: Uuid,
    pub reader_id: Uuid,
    /// Every message with `seq <= up_to_seq` sent to the reader is read.
    pub up_to_seq: i64,
    /// The reader's unread messages over all their conversations afterwards, for their badge.
    pub reader_unread: i64,
    pub at: Timestamp,
}

subject_is!(conversation_id: MessagePosted, MessagesRead);

crate::topic! {
    /// Every conversation's messages and read receipts, keyed by conversation id.
    pub enum ChatEvent = "chat.messages" {
        MessagePosted(MessagePosted) = "agora.chat.message_posted.v1",
        MessagesRead(MessagesRead) = "agora.chat.messages_read.v1",
    }
}
