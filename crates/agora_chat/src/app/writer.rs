//! Group commit of posts on SQLite. SQLite has one writer, so concurrent posts wait for it in turn, each
//! paying for its own transaction and its own fsync; at a few hundred messages a second that queue is the
//! whole of a message's latency. Here one task owns the writing: it takes every post waiting, stores them
//! in one transaction and commits once, then answers each. A refused post (not a participant, too fast)
//! writes nothing that matters and the others go on; should storage fail part-way, the transaction is
//! rolled back and each post of it is tried again on its own, so one post's failure is never another's.

use tokio::sync::{mpsc, oneshot};

use super::Chats;
use super::post::{Post, Posted};
use crate::domain::ChatError;
use crate::metrics;

/// Posts stored by one commit, at most.
const MAX_BATCH: usize = 128;
/// Posts waiting for the writer, at most, before senders wait to queue.
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<Posted, ChatError>>;

/// The queue to the writing task; it ends when the last `Writer` is dropped.
#[derive(Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<(Post, Reply)>,
}

impl Writer {
    /// Starts the writing task for `chats` (which must have no writer of its own).
    pub(crate) fn start(chats: Chats) -> Writer {
        debug_assert!(chats.writer.is_none(), "the writing task posts directly");
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(write(chats, waiting));
        Writer { queue }
    }

    /// Stores `post` with whatever else is waiting, once committed.
    pub(crate) async fn post(&self, post: Post) -> Result<Posted, ChatError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || ChatError::Internal("chat is shutting down".to_owned());
        self.queue.send((post, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write(chats: Chats, mut waiting: mpsc::Receiver<(Post, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (posts, replies): (Vec<Post>, Vec<Reply>) = batch.drain(..).unzip();
        match together(&chats, &posts).await {
            Ok(outcomes) => {
                metrics::group_commit(posts.len());
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    if let Ok(posted) = &outcome {
                        chats.posted(posted);
                    }
                    // The poster may have gone (a closed socket): the message stays posted.
                    let _ = reply.send(outcome);
                }
            }
            Err(err) => {
                if posts.len() > 1 {
                    tracing::warn!(error = %err, posts = posts.len(), "storing posts together failed; storing each alone");
                }
                for (post, reply) in posts.iter().zip(replies) {
                    let _ = reply.send(chats.post_alone(post).await);
                }
            }
        }
    }
}

/// Stores `posts` in one transaction: each post's own outcome, or the storage failure that undid them all.
async fn together(chats: &Chats, posts: &[Post]) -> Result<Vec<Result<Posted, ChatError>>, ChatError> {
    let mut tx = chats.db.begin().await?;
    let outcomes = chats.post_all(&mut tx, posts).await?;
    tx.commit().await?;
    Ok(outcomes)
}
