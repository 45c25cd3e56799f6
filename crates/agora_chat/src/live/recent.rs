//! [`RecentIds`]: the ids of the last few thousand events this instance pushed itself, so its follower does
//! not push them a second time when they come back from the topic.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use uuid::Uuid;

/// A bounded set: past its capacity, the oldest id is forgotten. A forgotten id that comes back late is
/// pushed twice, which clients tolerate (they de-duplicate by message id).
#[derive(Debug)]
pub struct RecentIds {
    capacity: usize,
    inner: Mutex<(HashSet<Uuid>, VecDeque<Uuid>)>,
}

impl RecentIds {
    pub fn new(capacity: usize) -> RecentIds {
        RecentIds { capacity: capacity.max(1), inner: Mutex::new((HashSet::new(), VecDeque::new())) }
    }

    pub fn insert(&self, id: Uuid) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *inner;
        if set.insert(id) {
            order.push_back(id);
            while order.len() > self.capacity {
                if let Some(old) = order.pop_front() {
                    set.remove(&old);
                }
            }
        }
    }

    /// Whether `id` is here; it is forgotten either way (each event comes back once).
    pub fn take(&self, id: Uuid) -> bool {
        // Its place in the order stays until it comes round: ids are never inserted twice.
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).0.remove(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_once_and_the_oldest_forgotten_past_capacity() {
        let recent = RecentIds::new(2);
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        recent.insert(a);
        recent.insert(b);
        recent.insert(c);
        assert!(!recent.take(a), "the oldest was forgotten");
        assert!(recent.take(b));
        assert!(!recent.take(b), "taken once");
        assert!(recent.take(c));
    }
}
