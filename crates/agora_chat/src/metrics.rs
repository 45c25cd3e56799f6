//! Chat's metrics (`agora_chat_*`), named in one place. Socket counts and frames pushed are the live
//! module's (`agora_live_*`, labelled `service="chat"`).

/// A message stored.
pub fn message_posted() {
    metrics::counter!("agora_chat_messages_total").increment(1);
}

/// A message refused because its sender posts too fast.
pub fn rate_limited() {
    metrics::counter!("agora_chat_rate_limited_total").increment(1);
}

/// A conversation opened.
pub fn conversation_opened() {
    metrics::counter!("agora_chat_conversations_opened_total").increment(1);
}

/// A conversation could not be opened because catalog did not answer.
pub fn catalog_failed() {
    metrics::counter!("agora_chat_catalog_failures_total").increment(1);
}

/// An event from another instance dropped before reaching sockets, because the follower fell behind.
pub fn follow_dropped() {
    metrics::counter!("agora_chat_follow_dropped_total").increment(1);
}

/// One commit of SQLite's group writer, which stored `posts` messages (refused ones included): messages
/// over commits is how many each fsync carried.
pub fn group_commit(posts: usize) {
    metrics::counter!("agora_chat_group_commits_total").increment(1);
    metrics::counter!("agora_chat_group_committed_posts_total").increment(posts as u64);
}
