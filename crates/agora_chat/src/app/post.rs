//! Posting a message (HTTP and socket alike): in one transaction, check the sender is a participant, check
//! their rate (counted in the database, under their sender row's lock, so it holds across instances and
//! concurrent posts), take the next seq, store the message and emit `MessagePosted` through the outbox.
//! After the commit the message goes to the local sockets of both participants at once.
//!
//! On SQLite, which has one writer, posts queue for it anyway; there they go through a writer that
//! stores whatever posts are waiting in one transaction with one commit (see [`super::writer`]). On
//! PostgreSQL each post has its own transaction, and concurrent posts commit side by side.

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::chat::{ChatEvent, MessagePosted};
use agora_http::Caller;
use uuid::Uuid;

use super::{Chats, MessageView};
use crate::domain::{ChatError, Message, MessageBody};
use crate::metrics;
use crate::store::unread::Unread;
use crate::store::{conversations, messages, senders, unread};

/// A message to post: who, where, what (already checked).
pub(crate) struct Post {
    pub sender: Uuid,
    pub conversation: Uuid,
    pub body: MessageBody,
}

/// A message stored, with what its live delivery needs.
pub(crate) struct Posted {
    pub message: Message,
    pub recipient: Uuid,
    pub recipient_unread: Unread,
}

impl Chats {
    /// Posts `body` as the caller in conversation `id`.
    pub async fn post(&self, caller: &Caller, id: Uuid, body: &str) -> Result<MessageView, ChatError> {
        let body = MessageBody::parse("body", body, self.settings.max_message_chars)?;
        let post = Post { sender: caller.user_id, conversation: id, body };
        let posted = match &self.writer {
            Some(writer) => writer.post(post).await?,
            None => self.post_alone(&post).await?,
        };
        Ok(MessageView::of(&posted.message, caller.user_id))
    }

    /// Stores `post` in a transaction of its own, then pushes it to the sockets here.
    pub(crate) async fn post_alone(&self, post: &Post) -> Result<Posted, ChatError> {
        let mut tx = self.db.begin().await?;
        let posted = self.post_in(&mut tx, post).await?;
        tx.commit().await?;
        self.posted(&posted);
        Ok(posted)
    }

    /// Everything a post writes, in `tx`. A refusal (not a participant, too fast) comes before any write
    /// but the sender row's lock, which changes nothing anyone reads; so a transaction holding several posts
    /// can go on past one that is refused.
    pub(crate) async fn post_in(&self, tx: &mut Tx, post: &Post) -> Result<Posted, ChatError> {
        let (sender, id) = (post.sender, post.conversation);
        let (conversation, side) = self.participant(tx, sender, id).await?;
        senders::lock(tx, sender, Timestamp::now()).await?;
        // After the lock: a post that waited for the sender's previous one is timed after it.
        let now = Timestamp::now();
        self.check_rate(tx, sender, now).await?;
        let seq = conversations::next_seq(tx, id, sender, now).await?.ok_or(ChatError::ConversationNotFound)?;
        let message = Message {
            id: agora_core::new_id(),
            conversation_id: id,
            seq,
            sender_id: sender,
            body: post.body.as_str().to_owned(),
            sent_at: now,
        };
        messages::insert(tx, &message).await?;
        let recipient = conversation.other(side);
        unread::lock(tx, recipient).await?;
        let recipient_unread = unread::summary(tx, recipient).await?;
        let recipient_online = self.live.presence.is_online(tx, recipient).await?;
        let event = MessagePosted {
            conversation_id: id,
            message_id: message.id,
            seq,
            sender_id: sender,
            recipient_id: recipient,
            buyer_id: conversation.buyer_id,
            seller_id: conversation.seller_id,
            product_id: conversation.product_id,
            product_title: conversation.product_title.clone(),
            sender_name: conversation.name(side).to_owned(),
            body: message.body.clone(),
            sent_at: now,
            recipient_online,
            recipient_unread: recipient_unread.unread,
        };
        let event_id = self.outbox.emit(tx, &ChatEvent::MessagePosted(event)).await?;
        // Before the commit, so the follower can never see the event before it is known as pushed here; if
        // the commit fails, nothing is published and the mark is never consulted.
        self.live.mark_pushed(event_id);
        Ok(Posted { message, recipient, recipient_unread })
    }

    /// After the commit: counted, and pushed to both participants' sockets here.
    pub(crate) fn posted(&self, posted: &Posted) {
        let message = &posted.message;
        metrics::message_posted();
        self.live.message_posted(message, posted.recipient, posted.recipient_unread);
        tracing::debug!(conversation.id = %message.conversation_id, message.seq = message.seq, "message posted");
    }

    /// Refuses a post when the sender has used up their messages in the window, saying when the oldest
    /// that counts leaves it.
    async fn check_rate(&self, conn: &mut sqlx::AnyConnection, sender: Uuid, now: Timestamp) -> Result<(), ChatError> {
        let window = self.settings.rate_window();
        let since = now.minus(window);
        let limit = i64::from(self.settings.rate_limit);
        let sent = messages::sent_since(conn, sender, since).await?;
        if sent < limit {
            return Ok(());
        }
        let frees = messages::sent_at_among_since(conn, sender, since, sent - limit).await?;
        let wait_micros = frees.map_or(0, |at| at.plus(window).as_micros() - now.as_micros());
        let secs = u64::try_from(wait_micros.max(0)).unwrap_or(0).div_ceil(1_000_000).max(1);
        metrics::rate_limited();
        tracing::info!(user.id = %sender, retry_after_secs = secs, "message refused: sending too fast");
        Err(ChatError::RateLimited(secs))
    }
}
