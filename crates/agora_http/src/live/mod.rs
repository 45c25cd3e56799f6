//! Live sockets: the WebSocket endpoint chat and notify share. [`upgrade`] authenticates a socket (a bearer
//! header on the upgrade request, or an `auth` frame carrying an access token first), registers it in the
//! instance's [`Hub`] under its user, and runs it: frames pushed to the user through the hub go out in
//! order, client frames go to the service's [`LiveHandler`], the token is renewed by further `auth` frames
//! and the socket is closed when it expires unrenewed.
//!
//! The hub only knows this instance's sockets. Services that run several instances follow their topic
//! (`agora_bus::follow`) and push every event to the sockets each instance holds, so a frame is only ever
//! sent to the sockets of the user it concerns.

mod hub;
mod socket;

use std::sync::Arc;

use serde::Deserialize;
use uuid::Uuid;

pub use hub::Hub;
pub use socket::upgrade;

use crate::Caller;

/// One JSON text frame, serialized once and shared by every socket it goes to.
pub type Frame = Arc<str>;

/// Serializes `value` into a frame.
pub fn frame(value: &impl serde::Serialize) -> Frame {
    // Plain data with string keys always serializes.
    Arc::from(serde_json::to_string(value).unwrap_or_default())
}

/// `{"type":"error","code":..,"detail":..}`.
pub fn error_frame(code: &str, detail: &str) -> Frame {
    frame(&serde_json::json!({ "type": "error", "code": code, "detail": detail }))
}

/// The `[settings.<service>.live]` section.
#[derive(Debug, Clone, Deserialize)]
pub struct LiveSettings {
    /// A socket must authenticate within this many seconds.
    pub auth_timeout_secs: u64,
    /// Frames queued for one socket; a socket that falls this far behind is closed.
    pub queue_frames: usize,
    /// Seconds between pings.
    pub ping_secs: u64,
}

impl Default for LiveSettings {
    fn default() -> Self {
        LiveSettings { auth_timeout_secs: 10, queue_frames: 256, ping_secs: 25 }
    }
}

impl LiveSettings {
    /// Names the first bad key, for the service's start error.
    pub fn validate(&self) -> Result<(), String> {
        if self.auth_timeout_secs == 0 {
            return Err("live.auth_timeout_secs must be at least 1".to_owned());
        }
        if self.queue_frames == 0 {
            return Err("live.queue_frames must be at least 1".to_owned());
        }
        if self.ping_secs == 0 {
            return Err("live.ping_secs must be at least 1".to_owned());
        }
        Ok(())
    }
}

/// What a service does with its sockets.
#[async_trait::async_trait]
pub trait LiveHandler: Send + Sync + 'static {
    /// Once the socket is authenticated and registered: frames to send first (a state snapshot such as
    /// unread counts). Frames pushed through the hub meanwhile follow them.
    async fn on_open(&self, caller: &Caller) -> Vec<Frame>;
    /// A client frame (a JSON object with a string `type`, other than `auth`): frames for this socket only.
    async fn on_message(&self, caller: &Caller, message: serde_json::Value) -> Vec<Frame>;
    /// The socket closed.
    async fn on_close(&self, _caller: &Caller) {}
}

/// Identifies one socket in the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SocketId {
    pub user: Uuid,
    pub serial: u64,
}
