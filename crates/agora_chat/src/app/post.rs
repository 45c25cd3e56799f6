//! Posting a message (HTTP and socket alike): in one transaction, check the sender is a participant, check
//! their rate (counted in the database, under their sender row's lock, so it holds across instances and
//! concurrent posts), take the next seq, store the message and emit `MessagePosted` through the outbox.
//! After the commit the message goes to the local sockets of both participants at once.
//!
//! On SQLite, which has one writer, posts queue for it anyway; there they go through a writer that
//! stores whatever posts are waiting in one transaction with one commit (see [`super::writer`]). On
//! PostgreSQL each post has its own transaction, and concurrent posts commit side by side.

use std::collections::{BTreeMap, HashMap};

use agora_core::Timestamp;
use agora_db::Tx;
use agora_events::chat::{ChatEvent, MessagePosted};
use agora_http::Caller;
use uuid::Uuid;

use super::{Chats, MessageView};
use crate::domain::{ChatError, Message, MessageBody, Side};
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
        let mut outcomes = self.post_all(&mut tx, std::slice::from_ref(post)).await?;
        tx.commit().await?;
        let outcome = outcomes.pop().unwrap_or_else(|| Err(ChatError::Internal("a post without outcome".to_owned())));
        if let Ok(posted) = &outcome {
            self.posted(posted);
        }
        outcome
    }

    /// Stores `posts`, in order, in `tx`, each step one statement for all of them: each post's own outcome
    /// (refused when its sender is not a participant or posts too fast), or the storage failure that spoils
    /// the transaction. A refusal writes nothing but lock rows, so the others go on.
    ///
    /// Locks are taken in one order, as every use case takes them: the senders' rows, the conversations'
    /// (by their update), then the recipients' unread turns. The unread totals a batch announces are those
    /// after all its messages, as anyone will first see them at its commit.
    pub(crate) async fn post_all(
        &self,
        tx: &mut Tx,
        posts: &[Post],
    ) -> Result<Vec<Result<Posted, ChatError>>, ChatError> {
        let mut ids: Vec<Uuid> = posts.iter().map(|p| p.conversation).collect();
        ids.sort_unstable();
        ids.dedup();
        let found = conversations::find_all(tx, &ids).await?;
        let mut outcomes: Vec<Option<Result<Posted, ChatError>>> = Vec::with_capacity(posts.len());
        let mut sides = Vec::with_capacity(posts.len());
        for post in posts {
            let side = found.get(&post.conversation).and_then(|c| Some((c, c.side_of(post.sender)?)));
            outcomes.push(side.is_none().then_some(Err(ChatError::ConversationNotFound)));
            sides.push(side);
        }

        let mut senders: Vec<Uuid> =
            posts.iter().zip(&sides).filter(|(_, s)| s.is_some()).map(|(p, _)| p.sender).collect();
        senders.sort_unstable();
        senders.dedup();
        for sender in &senders {
            senders::lock(tx, *sender, Timestamp::now()).await?;
        }
        // After the locks: a post that waited for the sender's previous one is timed after it.
        let now = Timestamp::now();
        let since = now.minus(self.settings.rate_window());
        let mut sent = messages::sent_since(tx, &senders, since).await?;
        let limit = i64::from(self.settings.rate_limit);

        // Which posts go in, and how many messages each conversation gains.
        let mut accepted = Vec::with_capacity(posts.len());
        // By conversation id: the order their rows are locked in.
        let mut added: BTreeMap<Uuid, conversations::Added> = BTreeMap::new();
        for (i, post) in posts.iter().enumerate() {
            let Some((conversation, side)) = sides[i] else { continue };
            let count = sent.entry(post.sender).or_default();
            if *count >= limit {
                continue;
            }
            *count += 1;
            accepted.push(i);
            let to = added.entry(conversation.id).or_insert(conversations::Added {
                conversation: conversation.id,
                to_buyer: 0,
                to_seller: 0,
            });
            match side {
                Side::Buyer => to.to_seller += 1,
                Side::Seller => to.to_buyer += 1,
            }
        }
        let added: Vec<conversations::Added> = added.into_values().collect();
        let last = conversations::advance(tx, &added, now).await?;
        // Each conversation's new messages end at its new last seq, in the order they were posted.
        let mut next_seq: HashMap<Uuid, i64> = added
            .iter()
            .map(|a| {
                (a.conversation, last.get(&a.conversation).copied().unwrap_or_default() - a.to_buyer - a.to_seller)
            })
            .collect();
        let mut stored = Vec::with_capacity(accepted.len());
        for &i in &accepted {
            let post = &posts[i];
            let seq = next_seq.entry(post.conversation).or_default();
            *seq += 1;
            stored.push(Message {
                id: agora_core::new_id(),
                conversation_id: post.conversation,
                seq: *seq,
                sender_id: post.sender,
                body: post.body.as_str().to_owned(),
                sent_at: now,
            });
        }
        messages::insert_all(tx, &stored).await?;

        let mut recipients: Vec<Uuid> =
            accepted.iter().filter_map(|&i| sides[i].map(|(c, side)| c.other(side))).collect();
        recipients.sort_unstable();
        recipients.dedup();
        for recipient in &recipients {
            unread::lock(tx, *recipient).await?;
        }
        let totals = unread::summaries(tx, &recipients).await?;
        let mut online = HashMap::with_capacity(recipients.len());
        for recipient in &recipients {
            online.insert(*recipient, self.live.presence.is_online(tx, *recipient).await?);
        }

        let mut events = Vec::with_capacity(stored.len());
        let mut delivered = Vec::with_capacity(stored.len());
        for (&i, message) in accepted.iter().zip(stored) {
            let Some((conversation, side)) = sides[i] else { continue };
            let recipient = conversation.other(side);
            let recipient_unread = totals.get(&recipient).copied().unwrap_or_default();
            events.push(ChatEvent::MessagePosted(MessagePosted {
                conversation_id: conversation.id,
                message_id: message.id,
                seq: message.seq,
                sender_id: message.sender_id,
                recipient_id: recipient,
                buyer_id: conversation.buyer_id,
                seller_id: conversation.seller_id,
                product_id: conversation.product_id,
                product_title: conversation.product_title.clone(),
                sender_name: conversation.name(side).to_owned(),
                body: message.body.clone(),
                sent_at: now,
                recipient_online: online.get(&recipient).copied().unwrap_or(false),
                recipient_unread: recipient_unread.unread,
            }));
            delivered.push((i, Posted { message, recipient, recipient_unread }));
        }
        let event_ids = self.outbox.emit_all(tx, &events).await?;
        // Before the commit, so the follower can never see an event before it is known as pushed here; if
        // the commit fails, nothing is published and the marks are never consulted.
        for id in event_ids {
            self.live.mark_pushed(id);
        }
        for (i, posted) in delivered {
            outcomes[i] = Some(Ok(posted));
        }
        // The rest were refused for their rate; the batch's messages now count in saying when to retry.
        for (i, post) in posts.iter().enumerate() {
            if outcomes[i].is_none() {
                let sent = sent.get(&post.sender).copied().unwrap_or_default();
                outcomes[i] = Some(Err(self.too_fast(tx, post.sender, since, sent, now).await?));
            }
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err(ChatError::Internal("a post without outcome".to_owned()))))
            .collect())
    }

    /// After the commit: counted, and pushed to both participants' sockets here.
    pub(crate) fn posted(&self, posted: &Posted) {
        let message = &posted.message;
        metrics::message_posted();
        self.live.message_posted(message, posted.recipient, posted.recipient_unread);
        tracing::debug!(conversation.id = %message.conversation_id, message.seq = message.seq, "message posted");
    }

    /// The refusal of a post by `sender`, who has `sent` messages in the window since `since`: it says when
    /// the oldest that counts leaves the window.
    async fn too_fast(
        &self,
        conn: &mut sqlx::AnyConnection,
        sender: Uuid,
        since: Timestamp,
        sent: i64,
        now: Timestamp,
    ) -> Result<ChatError, ChatError> {
        let limit = i64::from(self.settings.rate_limit);
        let frees = messages::sent_at_among_since(conn, sender, since, (sent - limit).max(0)).await?;
        let wait_micros = frees.map_or(0, |at| at.plus(self.settings.rate_window()).as_micros() - now.as_micros());
        let secs = u64::try_from(wait_micros.max(0)).unwrap_or(0).div_ceil(1_000_000).max(1);
        metrics::rate_limited();
        tracing::info!(user.id = %sender, retry_after_secs = secs, "message refused: sending too fast");
        Ok(ChatError::RateLimited(secs))
    }
}
