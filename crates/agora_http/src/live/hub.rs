//! The sockets one instance holds, by user. Sending never waits: each socket has a bounded queue, and a
//! socket whose queue is full is told to close (its client reconnects and catches up) rather than slowing
//! everyone else down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::mpsc;
use uuid::Uuid;

use super::{Frame, LiveSettings, SocketId};

/// What goes down a socket's queue.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Frame(Frame),
    /// The socket fell behind: close it so the client reconnects and catches up.
    Overflowed,
}

struct Entry {
    serial: u64,
    queue: mpsc::Sender<Outgoing>,
    /// Set when the queue overflowed, so the close is asked for once.
    overflowed: Arc<std::sync::atomic::AtomicBool>,
}

struct Inner {
    service: &'static str,
    settings: LiveSettings,
    users: RwLock<HashMap<Uuid, Vec<Entry>>>,
    serial: AtomicU64,
    sockets: AtomicU64,
}

/// This instance's sockets, per user.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("service", &self.inner.service).field("sockets", &self.sockets()).finish()
    }
}

impl Hub {
    pub fn new(service: &'static str, settings: LiveSettings) -> Hub {
        Hub {
            inner: Arc::new(Inner {
                service,
                settings,
                users: RwLock::new(HashMap::new()),
                serial: AtomicU64::new(0),
                sockets: AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn settings(&self) -> &LiveSettings {
        &self.inner.settings
    }

    pub(crate) fn service(&self) -> &'static str {
        self.inner.service
    }

    /// Pushes `frame` to every socket of `user` on this instance; answers how many got it.
    pub fn send(&self, user: Uuid, frame: Frame) -> usize {
        let users = self.inner.users.read().unwrap_or_else(|p| p.into_inner());
        let Some(entries) = users.get(&user) else { return 0 };
        let mut sent = 0;
        for entry in entries {
            match entry.queue.try_send(Outgoing::Frame(frame.clone())) {
                Ok(()) => sent += 1,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    if !entry.overflowed.swap(true, Ordering::AcqRel) {
                        metrics::counter!("agora_live_overflows_total", "service" => self.inner.service).increment(1);
                        // The socket task drains its queue; once there is room the close request gets in.
                        let queue = entry.queue.clone();
                        tokio::spawn(async move {
                            let _ = queue.send(Outgoing::Overflowed).await;
                        });
                    }
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        if sent > 0 {
            metrics::counter!("agora_live_frames_total", "service" => self.inner.service).increment(sent as u64);
        }
        sent
    }

    pub fn is_connected(&self, user: Uuid) -> bool {
        self.inner.users.read().unwrap_or_else(|p| p.into_inner()).contains_key(&user)
    }

    pub fn connected_users(&self) -> Vec<Uuid> {
        self.inner.users.read().unwrap_or_else(|p| p.into_inner()).keys().copied().collect()
    }

    /// Sockets open on this instance.
    pub fn sockets(&self) -> usize {
        usize::try_from(self.inner.sockets.load(Ordering::Relaxed)).unwrap_or(usize::MAX)
    }

    /// Registers a socket of `user`; its frames arrive on the returned queue.
    pub(crate) fn register(&self, user: Uuid) -> (SocketId, mpsc::Receiver<Outgoing>) {
        let serial = self.inner.serial.fetch_add(1, Ordering::Relaxed);
        let (queue, frames) = mpsc::channel(self.inner.settings.queue_frames.max(1));
        let entry = Entry { serial, queue, overflowed: Arc::default() };
        self.inner.users.write().unwrap_or_else(|p| p.into_inner()).entry(user).or_default().push(entry);
        let open = self.inner.sockets.fetch_add(1, Ordering::Relaxed) + 1;
        metrics::gauge!("agora_live_sockets", "service" => self.inner.service).set(open as f64);
        (SocketId { user, serial }, frames)
    }

    pub(crate) fn unregister(&self, id: SocketId) {
        let mut users = self.inner.users.write().unwrap_or_else(|p| p.into_inner());
        let Some(entries) = users.get_mut(&id.user) else { return };
        let before = entries.len();
        entries.retain(|e| e.serial != id.serial);
        let removed = before - entries.len();
        if entries.is_empty() {
            users.remove(&id.user);
        }
        drop(users);
        if removed > 0 {
            let open = self.inner.sockets.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
            metrics::gauge!("agora_live_sockets", "service" => self.inner.service).set(open as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub(queue: usize) -> Hub {
        Hub::new("test", LiveSettings { queue_frames: queue, ..LiveSettings::default() })
    }

    fn text(outgoing: Option<Outgoing>) -> String {
        match outgoing {
            Some(Outgoing::Frame(frame)) => frame.to_string(),
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_frame_reaches_every_socket_of_its_user_and_no_one_else() {
        let hub = hub(8);
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let (_, mut first) = hub.register(alice);
        let (_, mut second) = hub.register(alice);
        let (_, mut other) = hub.register(bob);
        assert_eq!(hub.send(alice, Frame::from("hello")), 2);
        assert_eq!(text(first.recv().await), "hello");
        assert_eq!(text(second.recv().await), "hello");
        assert!(other.try_recv().is_err(), "bob got alice's frame");
        assert_eq!(hub.sockets(), 3);
    }

    #[tokio::test]
    async fn a_closed_socket_is_forgotten_and_its_user_goes_offline() {
        let hub = hub(8);
        let alice = Uuid::now_v7();
        let (one, _q1) = hub.register(alice);
        let (two, _q2) = hub.register(alice);
        hub.unregister(one);
        assert!(hub.is_connected(alice));
        hub.unregister(two);
        hub.unregister(two);
        assert!(!hub.is_connected(alice));
        assert_eq!(hub.sockets(), 0);
        assert_eq!(hub.send(alice, Frame::from("x")), 0);
    }

    #[tokio::test]
    async fn a_socket_that_falls_behind_is_asked_to_close_once() {
        let hub = hub(2);
        let alice = Uuid::now_v7();
        let (_, mut queue) = hub.register(alice);
        for n in 0..5 {
            hub.send(alice, Frame::from(n.to_string().as_str()));
        }
        assert_eq!(text(queue.recv().await), "0");
        assert_eq!(text(queue.recv().await), "1");
        assert!(matches!(queue.recv().await, Some(Outgoing::Overflowed)));
    }
}
