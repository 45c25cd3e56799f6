//! Conversations and messages as a participant sees them, and the reads behind them: the caller's
//! conversations, one conversation, a page of history backwards or a catch-up forwards, and unread counts.
//! Anyone but the two participants is told the conversation does not exist.

use agora_core::{Cursor, PageSize};
use agora_http::Caller;
use serde::Serialize;
use uuid::Uuid;

use super::Chats;
use crate::config::MAX_PAGE;
use crate::domain::{ChatError, Conversation, Message, Side};
use crate::store::conversations::{self, Listed};
use crate::store::messages;
use crate::store::unread::{self, Unread};

/// A conversation as one of its participants sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConversationView {
    pub id: Uuid,
    pub product: ProductRef,
    pub buyer: Party,
    pub seller: Party,
    /// The caller's side.
    pub role: Role,
    /// The other participant.
    pub counterpart: Party,
    /// Messages from the counterpart the caller has not read.
    pub unread: i64,
    /// The last message's seq (0: no message yet).
    pub last_seq: i64,
    /// The caller has read the counterpart's messages up to this seq.
    pub my_read_seq: i64,
    /// The counterpart has read the caller's messages up to this seq (read receipts).
    pub their_read_seq: i64,
    pub last_message: Option<MessageView>,
    /// The last message's time, or when the conversation was opened (RFC 3339).
    pub updated_at: String,
    pub created_at: String,
}

/// The product a conversation is about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductRef {
    pub id: Uuid,
    /// Its title when the conversation was opened.
    pub title: String,
}

/// A participant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Party {
    pub id: Uuid,
    /// The buyer's display name, or the seller's shop name ("Buyer" or "Seller" when not known yet).
    pub name: String,
}

/// Which side of a conversation the caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Buyer,
    Seller,
}

/// A message as one participant sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// 1, 2, 3… in its conversation, without gaps.
    pub seq: i64,
    pub sender_id: Uuid,
    /// The caller sent it.
    pub mine: bool,
    /// As sent.
    pub body: String,
    /// RFC 3339.
    pub sent_at: String,
}

/// A page of the caller's conversations, most recent activity first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConversationPage {
    pub items: Vec<ConversationView>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<Cursor>,
}

/// A page of a conversation's messages, in ascending seq within the page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum MessagesPage {
    /// Going backwards (`before`, or the newest messages).
    Before {
        items: Vec<MessageView>,
        /// Pass as `before` for the older page; null when this page reaches the first message.
        next_before: Option<i64>,
    },
    /// Catching up (`after`).
    After {
        items: Vec<MessageView>,
        /// Pass as `after` for the rest; null when caught up.
        next_after: Option<i64>,
    },
}

/// Which messages a history request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Older than this seq (the newest without one).
    Before(Option<i64>),
    /// Newer than this seq.
    After(i64),
}

impl MessageView {
    pub fn of(message: &Message, viewer: Uuid) -> MessageView {
        MessageView {
            id: message.id,
            conversation_id: message.conversation_id,
            seq: message.seq,
            sender_id: message.sender_id,
            mine: message.sender_id == viewer,
            body: message.body.clone(),
            sent_at: message.sent_at.to_rfc3339(),
        }
    }
}

impl ConversationView {
    /// The view of `listed` for `viewer`, who must be one of its participants.
    fn of(listed: &Listed, viewer: Uuid) -> Result<ConversationView, ChatError> {
        let c = &listed.conversation;
        let side = c.side_of(viewer).ok_or(ChatError::ConversationNotFound)?;
        let party = |side: Side| Party {
            id: match side {
                Side::Buyer => c.buyer_id,
                Side::Seller => c.seller_id,
            },
            name: c.name(side).to_owned(),
        };
        let other = match side {
            Side::Buyer => Side::Seller,
            Side::Seller => Side::Buyer,
        };
        Ok(ConversationView {
            id: c.id,
            product: ProductRef { id: c.product_id, title: c.product_title.clone() },
            buyer: party(Side::Buyer),
            seller: party(Side::Seller),
            role: match side {
                Side::Buyer => Role::Buyer,
                Side::Seller => Role::Seller,
            },
            counterpart: party(other),
            unread: listed.unread,
            last_seq: c.last_seq,
            my_read_seq: c.read_seq(side),
            their_read_seq: c.read_seq(other),
            last_message: listed.last_message.as_ref().map(|m| MessageView::of(m, viewer)),
            updated_at: c.updated_at.to_rfc3339(),
            created_at: c.created_at.to_rfc3339(),
        })
    }
}

impl Chats {
    /// A page of the caller's conversations (as buyer or seller), most recent activity first.
    pub async fn conversations(
        &self,
        caller: &Caller,
        cursor: Option<&Cursor>,
        size: PageSize,
    ) -> Result<ConversationPage, ChatError> {
        let after: Option<(i64, String)> = cursor.map(|c| c.decode()).transpose().map_err(|_| ChatError::BadCursor)?;
        let mut conn = self.db.pool().acquire().await?;
        let rows = conversations::list_for(&mut conn, caller.user_id, after, None, size.fetch_limit()).await?;
        let page = agora_core::Page::from_rows(rows, size, |l| {
            (l.conversation.updated_at.as_micros(), l.conversation.id.to_string())
        });
        let items = page.items.iter().map(|l| ConversationView::of(l, caller.user_id)).collect::<Result<_, _>>()?;
        Ok(ConversationPage { items, next_cursor: page.next_cursor })
    }

    /// One of the caller's conversations.
    pub async fn conversation(&self, caller: &Caller, id: Uuid) -> Result<ConversationView, ChatError> {
        let mut conn = self.db.pool().acquire().await?;
        let rows = conversations::list_for(&mut conn, caller.user_id, None, Some(id), 1).await?;
        let listed = rows.first().ok_or(ChatError::ConversationNotFound)?;
        ConversationView::of(listed, caller.user_id)
    }

    /// The conversation if `user` is one of its participants, with their side.
    pub(crate) async fn participant(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: Uuid,
        id: Uuid,
    ) -> Result<(Conversation, Side), ChatError> {
        let conversation = conversations::find(conn, id).await?.ok_or(ChatError::ConversationNotFound)?;
        let side = conversation.side_of(user).ok_or(ChatError::ConversationNotFound)?;
        Ok((conversation, side))
    }

    /// A page of one of the caller's conversations: going backwards from `before` (or the newest), or
    /// forwards after a seq, up to `limit` messages, ascending within the page.
    pub async fn messages(
        &self,
        caller: &Caller,
        id: Uuid,
        window: Window,
        limit: u32,
    ) -> Result<MessagesPage, ChatError> {
        let limit = i64::from(limit.clamp(1, MAX_PAGE));
        let mut conn = self.db.pool().acquire().await?;
        self.participant(&mut conn, caller.user_id, id).await?;
        let view = |m: &Message| MessageView::of(m, caller.user_id);
        match window {
            Window::Before(before) => {
                let mut rows = messages::before(&mut conn, id, before, limit + 1).await?;
                let more = rows.len() as i64 > limit;
                rows.truncate(limit as usize);
                rows.reverse();
                let next_before = if more { rows.first().map(|m| m.seq) } else { None };
                Ok(MessagesPage::Before { items: rows.iter().map(view).collect(), next_before })
            }
            Window::After(after) => {
                let (rows, more) = self.missed(&mut conn, id, after, limit).await?;
                let next_after = if more { rows.last().map(|m| m.seq) } else { None };
                Ok(MessagesPage::After { items: rows.iter().map(view).collect(), next_after })
            }
        }
    }

    /// Up to `limit` messages of a conversation after `after`, ascending, and whether more follow.
    pub(crate) async fn missed(
        &self,
        conn: &mut sqlx::AnyConnection,
        id: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<(Vec<Message>, bool), ChatError> {
        let mut rows = messages::after(conn, id, after, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        Ok((rows, more))
    }

    /// The caller's unread messages over all their conversations.
    pub async fn unread(&self, user: Uuid) -> Result<Unread, ChatError> {
        let mut conn = self.db.pool().acquire().await?;
        unread::summary(&mut conn, user).await
    }
}
