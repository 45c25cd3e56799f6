//! The follower of `chat.messages` (outside any consumer group: every instance sees every event), pushing
//! messages and read receipts posted on OTHER instances to the sockets this one holds. Events this instance
//! pushed itself are skipped. Events are handed from the follower to one worker in order through a bounded
//! queue; should the worker fall that far behind, events are dropped (counted), and the clients concerned
//! catch up when they next resume.

use agora_bus::Bus;
use agora_bus::follow::{Attached, follow};
use agora_events::chat::{ChatEvent, MessagePosted, MessagesRead};
use agora_events::{Envelope, TopicEvents};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::frames;
use crate::app::Chats;
use crate::domain::{ChatError, Message};
use crate::metrics;
use crate::store::{conversations, unread};

/// Events waiting for the worker.
const QUEUE: usize = 10_000;

/// Follows `chat.messages` until `shutdown`; `attached` turns true once it reads from the topic's end.
pub async fn run(chats: Chats, bus: Bus, attached: Attached, shutdown: CancellationToken) {
    let (queue, mut events) = mpsc::channel::<Envelope>(QUEUE);
    let live = chats.live.clone();
    let follower = follow(bus, vec![ChatEvent::TOPIC.to_owned()], attached, shutdown, move |envelope| {
        // Cheap checks first: what this instance pushed itself, and nobody here to push to.
        if live.was_pushed(envelope.id) || live.hub.sockets() == 0 {
            return;
        }
        if queue.try_send(envelope).is_err() {
            metrics::follow_dropped();
            tracing::warn!("chat follower fell behind; an event from another instance was not pushed");
        }
    });
    let worker = async {
        while let Some(envelope) = events.recv().await {
            if let Err(err) = deliver(&chats, &envelope).await {
                tracing::warn!(error = %err, event.id = %envelope.id, "pushing a chat event failed");
            }
        }
    };
    tokio::join!(follower, worker);
}

async fn deliver(chats: &Chats, envelope: &Envelope) -> Result<(), ChatError> {
    let event = envelope.decode::<ChatEvent>().map_err(|e| ChatError::Internal(e.to_string()))?;
    match event {
        Some(ChatEvent::MessagePosted(posted)) => message_posted(chats, posted).await,
        Some(ChatEvent::MessagesRead(read)) => messages_read(chats, read).await,
        None => Ok(()),
    }
}

async fn message_posted(chats: &Chats, p: MessagePosted) -> Result<(), ChatError> {
    let hub = &chats.live.hub;
    let message = Message {
        id: p.message_id,
        conversation_id: p.conversation_id,
        seq: p.seq,
        sender_id: p.sender_id,
        body: p.body,
        sent_at: p.sent_at,
    };
    if hub.is_connected(p.recipient_id) {
        hub.send(p.recipient_id, frames::message(&message, Some(p.recipient_unread)));
        let mut conn = chats.db.pool().acquire().await?;
        let totals = unread::summary(&mut conn, p.recipient_id).await?;
        hub.send(p.recipient_id, frames::unread(totals));
    }
    if hub.is_connected(p.sender_id) {
        hub.send(p.sender_id, frames::message(&message, None));
    }
    Ok(())
}

async fn messages_read(chats: &Chats, r: MessagesRead) -> Result<(), ChatError> {
    let hub = &chats.live.hub;
    let mut conn = chats.db.pool().acquire().await?;
    let Some((buyer, seller)) = conversations::participants(&mut conn, r.conversation_id).await? else {
        return Ok(());
    };
    let receipt = frames::read(r.conversation_id, r.reader_id, r.up_to_seq);
    for participant in [buyer, seller] {
        hub.send(participant, receipt.clone());
    }
    if hub.is_connected(r.reader_id) {
        let totals = unread::summary(&mut conn, r.reader_id).await?;
        hub.send(r.reader_id, frames::unread(totals));
    }
    Ok(())
}
