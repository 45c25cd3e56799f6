//! Notify's metrics (`agora_notify_*`), named in one place.

use crate::domain::Category;

/// A notification stored, by category.
pub fn created(category: Category) {
    metrics::counter!("agora_notify_notifications_total", "category" => category.as_str()).increment(1);
}

/// An event of a category its user muted: nothing stored, pushed or emailed.
pub fn muted() {
    metrics::counter!("agora_notify_muted_total").increment(1);
}

/// An email attempt, by outcome: `sent`, `retried` (failed, tried again later) or `failed` (given up).
pub fn email(outcome: &'static str) {
    metrics::counter!("agora_notify_emails_total", "outcome" => outcome).increment(1);
}

/// A frame pushed to this instance's sockets, by kind (`notification`, `unread`).
pub fn pushed(kind: &'static str, sockets: usize) {
    metrics::counter!("agora_notify_pushed_frames_total", "kind" => kind).increment(sockets as u64);
}
