//! Marking a conversation read up to a message: never past the last message, never backwards. When it
//! moves, `MessagesRead` goes through the outbox (a read receipt for the other side) and both participants'
//! local sockets hear of it at once.

use agora_core::Timestamp;
use agora_events::chat::{ChatEvent, MessagesRead};
use agora_http::Caller;
use uuid::Uuid;

use super::{Chats, ConversationView};
use crate::domain::ChatError;
use crate::store::{conversations, unread};

impl Chats {
    /// Marks the caller's side of conversation `id` read up to `up_to_seq`; the conversation afterwards.
    pub async fn mark_read(&self, caller: &Caller, id: Uuid, up_to_seq: i64) -> Result<ConversationView, ChatError> {
        if up_to_seq < 0 {
            return Err(ChatError::field("up_to_seq", "a message seq: 0 or more"));
        }
        let reader = caller.user_id;
        let mut tx = self.db.begin().await?;
        let (conversation, side) = self.participant(&mut tx, reader, id).await?;
        match conversations::mark_read(&mut tx, id, side, up_to_seq).await? {
            Some(read_seq) => {
                unread::lock(&mut tx, reader).await?;
                let reader_unread = unread::summary(&mut tx, reader).await?;
                let event = MessagesRead {
                    conversation_id: id,
                    reader_id: reader,
                    up_to_seq: read_seq,
                    reader_unread: reader_unread.unread,
                    at: Timestamp::now(),
                };
                let event_id = self.outbox.emit(&mut tx, &ChatEvent::MessagesRead(event)).await?;
                self.live.mark_pushed(event_id);
                tx.commit().await?;
                self.live.messages_read(id, reader, conversation.other(side), read_seq, reader_unread);
                tracing::debug!(conversation.id = %id, read.seq = read_seq, "conversation read");
            }
            None => tx.rollback().await?,
        }
        self.conversation(caller, id).await
    }
}
