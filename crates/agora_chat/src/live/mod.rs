//! Chat's live side: this instance's sockets (the shared `agora_http::live` hub), the frames they get, the
//! socket protocol, presence across instances, and the follower of `chat.messages` that pushes what other
//! instances posted.
//!
//! A message or read receipt committed here is pushed at once to the local sockets of both participants
//! (the fast path), and its event id is remembered. Every instance, this one included, also follows
//! `chat.messages`; the follower skips the event ids this instance remembers and pushes the rest to the
//! sockets it holds. Event ids rather than `envelope.source` tell them apart because every instance
//! publishes as the same source (`agora/chat`); the memory is a bounded set (the last few thousand ids), so
//! should the follower fall that far behind, an event may reach a socket twice, which clients tolerate by
//! de-duplicating on message id.

pub mod follow;
mod frames;
pub mod presence;
mod recent;
pub mod socket;

use std::sync::Arc;

use agora_http::live::Hub;
use uuid::Uuid;

pub use presence::Presence;

use crate::domain::Message;
use crate::store::unread::Unread;
use recent::RecentIds;

/// Events pushed here whose return through the follower is skipped.
const REMEMBERED_EVENTS: usize = 8192;

#[derive(Clone)]
pub struct Live {
    pub hub: Hub,
    pub presence: Presence,
    pushed: Arc<RecentIds>,
}

impl Live {
    pub fn new(hub: Hub, presence: Presence) -> Live {
        Live { hub, presence, pushed: Arc::new(RecentIds::new(REMEMBERED_EVENTS)) }
    }

    /// Remembers that this instance pushes event `id` itself.
    pub fn mark_pushed(&self, id: Uuid) {
        self.pushed.insert(id);
    }

    /// Whether this instance pushed event `id` itself (asked once per event).
    pub fn was_pushed(&self, id: Uuid) -> bool {
        self.pushed.take(id)
    }

    /// A new message to the sockets of both participants here: the recipient's with their unread totals.
    pub fn message_posted(&self, message: &Message, recipient: Uuid, recipient_unread: Unread) {
        if self.hub.is_connected(recipient) {
            self.hub.send(recipient, frames::message(message, Some(recipient_unread.unread)));
            self.hub.send(recipient, frames::unread(recipient_unread));
        }
        if self.hub.is_connected(message.sender_id) {
            self.hub.send(message.sender_id, frames::message(message, None));
        }
    }

    /// A read receipt to the sockets of both participants here, and the reader's new totals to theirs.
    pub fn messages_read(&self, conversation: Uuid, reader: Uuid, other: Uuid, up_to_seq: i64, reader_unread: Unread) {
        let receipt = frames::read(conversation, reader, up_to_seq);
        self.hub.send(reader, receipt.clone());
        self.hub.send(other, receipt);
        if self.hub.is_connected(reader) {
            self.hub.send(reader, frames::unread(reader_unread));
        }
    }
}
