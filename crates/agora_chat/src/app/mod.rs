//! Chat's use cases. Each opens a transaction or a connection, checks that the caller is a participant,
//! changes state through the store, writes its event to the outbox in the same transaction, commits, and
//! then pushes what changed to the sockets of both participants held by this instance.

mod open;
mod post;
mod read;
mod view;
mod writer;

use std::sync::Arc;

use agora_bus::Outbox;
use agora_db::{Db, Dialect};
use agora_http::TokenVerifier;

pub use open::Opened;
pub use view::{ConversationPage, ConversationView, MessageView, MessagesPage, Party, ProductRef, Role, Window};

use crate::catalog::CatalogClient;
use crate::config::ChatSettings;
use crate::live::Live;
use writer::Writer;

/// The chat service's state, shared by its handlers, its sockets, its consumer and its follower.
#[derive(Clone)]
pub struct Chats {
    pub db: Db,
    pub outbox: Outbox,
    pub settings: Arc<ChatSettings>,
    pub live: Live,
    pub tokens: TokenVerifier,
    catalog: CatalogClient,
    /// SQLite's group writer of posts; none on PostgreSQL, where each post commits on its own.
    writer: Option<Writer>,
}

impl Chats {
    pub fn new(
        db: Db,
        outbox: Outbox,
        settings: Arc<ChatSettings>,
        live: Live,
        tokens: TokenVerifier,
        catalog: CatalogClient,
    ) -> Chats {
        let chats = Chats { db, outbox, settings, live, tokens, catalog, writer: None };
        match chats.db.dialect() {
            Dialect::Sqlite => Chats { writer: Some(Writer::start(chats.clone())), ..chats },
            Dialect::Postgres => chats,
        }
    }
}
