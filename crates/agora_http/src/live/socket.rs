//! One socket's life: authenticate, register in the hub, then pass frames both ways until the client
//! leaves, falls behind, or its token expires unrenewed.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

use super::hub::{Hub, Outgoing};
use super::{Frame, LiveHandler, SocketId, error_frame, frame};
use crate::{AuthError, Caller, TokenVerifier};

/// Close codes the client acts on: 4401 means "get a fresh token and reconnect", 4403 "stop".
const CLOSE_UNAUTHENTICATED: u16 = 4401;
const CLOSE_FORBIDDEN: u16 = 4403;
/// RFC 6455 "try again later": the socket fell behind; reconnecting catches up.
const CLOSE_TRY_AGAIN: u16 = 1013;
/// Largest client frame accepted.
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// How long one frame may take to go out before the client is given up on.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

/// Answers a `GET /ws` upgrade. `caller` is the request's `Option<Caller>`: with a bearer header the socket
/// is authenticated at once; otherwise its first frame must be `{"type":"auth","token":".."}`.
pub fn upgrade(
    ws: WebSocketUpgrade,
    caller: Option<Caller>,
    tokens: TokenVerifier,
    hub: Hub,
    handler: Arc<dyn LiveHandler>,
) -> Response {
    // Small buffers: an idle socket should cost a few kilobytes, not the library's 128 KiB default.
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| run(socket, caller, tokens, hub, handler))
}

async fn run(
    socket: WebSocket,
    caller: Option<Caller>,
    tokens: TokenVerifier,
    hub: Hub,
    handler: Arc<dyn LiveHandler>,
) {
    let (mut sink, mut stream) = socket.split();
    let auth_timeout = Duration::from_secs(hub.settings().auth_timeout_secs);
    let caller = match caller {
        Some(caller) => caller,
        None => match authenticate(&mut sink, &mut stream, &tokens, auth_timeout).await {
            Some(caller) => caller,
            None => return,
        },
    };
    let (id, queue) = hub.register(caller.user_id);
    let registered = Registered { hub: hub.clone(), id };
    let service = hub.service();
    tracing::debug!(service, user.id = %caller.user_id, "socket open");
    let caller = serve(&mut sink, &mut stream, caller, &tokens, &hub, queue, handler.as_ref()).await;
    drop(registered);
    handler.on_close(&caller).await;
    tracing::debug!(service, user.id = %caller.user_id, "socket closed");
}

/// Takes the socket out of the hub however `run` ends.
struct Registered {
    hub: Hub,
    id: SocketId,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

/// Waits for the `auth` frame; refuses and closes on anything else.
async fn authenticate(
    sink: &mut Sink,
    stream: &mut Stream,
    tokens: &TokenVerifier,
    within: Duration,
) -> Option<Caller> {
    let first = tokio::time::timeout(within, async {
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(text))) => return Some(text),
                Some(Ok(Message::Binary(_))) => return Some(Utf8Bytes::from_static("")),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
            }
        }
    })
    .await;
    let text = match first {
        Ok(Some(text)) => text,
        Ok(None) => return None,
        Err(_) => {
            refuse(sink, "auth_timeout", "send an auth frame with an access token first", CLOSE_UNAUTHENTICATED).await;
            return None;
        }
    };
    let Some(token) = auth_token(&text) else {
        refuse(
            sink,
            "auth_required",
            "the first frame must be {\"type\":\"auth\",\"token\":\"..\"}",
            CLOSE_UNAUTHENTICATED,
        )
        .await;
        return None;
    };
    match tokens.verify(&token).await {
        Ok(caller) => Some(caller),
        Err(err) => {
            let (code, detail) = refusal(&err);
            refuse(sink, code, detail, CLOSE_UNAUTHENTICATED).await;
            None
        }
    }
}

/// The token of an `auth` frame.
fn auth_token(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    if value.get("type")?.as_str()? != "auth" {
        return None;
    }
    Some(value.get("token")?.as_str()?.to_owned())
}

fn refusal(err: &AuthError) -> (&'static str, &'static str) {
    match err {
        AuthError::Expired => ("token_expired", "the access token has expired"),
        AuthError::Unavailable => ("auth_unavailable", "tokens cannot be checked right now; try again"),
        _ => ("unauthorized", "the access token is not valid"),
    }
}

async fn refuse(sink: &mut Sink, code: &str, detail: &str, close: u16) {
    let _ = send(sink, Message::Text(text(&error_frame(code, detail)))).await;
    let _ = send(sink, Message::Close(Some(CloseFrame { code: close, reason: Utf8Bytes::from(code) }))).await;
}

fn text(frame: &Frame) -> Utf8Bytes {
    Utf8Bytes::from(&**frame)
}

async fn send(sink: &mut Sink, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

/// Runs an authenticated socket; returns the caller as last renewed.
async fn serve(
    sink: &mut Sink,
    stream: &mut Stream,
    mut caller: Caller,
    tokens: &TokenVerifier,
    hub: &Hub,
    mut queue: tokio::sync::mpsc::Receiver<Outgoing>,
    handler: &dyn LiveHandler,
) -> Caller {
    let ready = json!({ "type": "ready", "user_id": caller.user_id, "expires_at": caller.expires_at });
    if send(sink, Message::Text(text(&frame(&ready)))).await.is_err() {
        return caller;
    }
    for first in handler.on_open(&caller).await {
        if send(sink, Message::Text(text(&first))).await.is_err() {
            return caller;
        }
    }
    let period = Duration::from_secs(hub.settings().ping_secs.max(1));
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + first_ping(period, fastrand::f64()), period);
    // A client that stopped answering pings (a half-open connection) is let go, so that it no longer counts
    // as connected.
    let mut heard_at = tokio::time::Instant::now();
    let expiry = tokio::time::sleep(until(caller.expires_at));
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            outgoing = queue.recv() => match outgoing {
                Some(Outgoing::Frame(pushed)) => {
                    if send(sink, Message::Text(text(&pushed))).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Overflowed) => {
                    refuse(sink, "fell_behind", "too many frames were waiting; reconnect to catch up", CLOSE_TRY_AGAIN).await;
                    break;
                }
                None => break,
            },
            incoming = stream.next() => {
                heard_at = tokio::time::Instant::now();
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => Utf8Bytes::from_static(""),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                let message: Value = match serde_json::from_str(&text) {
                    Ok(value @ Value::Object(_)) if value.get("type").is_some_and(Value::is_string) => value,
                    _ => {
                        let invalid = error_frame("invalid_frame", "a frame is a JSON object with a string \"type\"");
                        if send(sink, Message::Text(self::text(&invalid))).await.is_err() {
                            break;
                        }
                        continue;
                    }
                };
                if message["type"] == "auth" {
                    match renew(&caller, &message, tokens).await {
                        Ok(renewed) => {
                            caller = renewed;
                            expiry.as_mut().reset(tokio::time::Instant::now() + until(caller.expires_at));
                            let answer = json!({ "type": "renewed", "expires_at": caller.expires_at });
                            if send(sink, Message::Text(self::text(&frame(&answer)))).await.is_err() {
                                break;
                            }
                        }
                        Err((code, detail, close)) => {
                            refuse(sink, code, detail, close).await;
                            break;
                        }
                    }
                    continue;
                }
                let mut failed = false;
                for answer in handler.on_message(&caller, message).await {
                    if send(sink, Message::Text(self::text(&answer))).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed {
                    break;
                }
            },
            _ = ping.tick() => {
                if heard_at.elapsed() > period * 2 {
                    tracing::debug!(user.id = %caller.user_id, "socket silent for two pings, closing");
                    break;
                }
                if send(sink, Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            },
            () = &mut expiry => {
                refuse(sink, "token_expired", "the access token expired; reconnect with a fresh one", CLOSE_UNAUTHENTICATED).await;
                break;
            },
        }
    }
    caller
}

/// When a socket is first pinged, for a `random` in `[0, 1)`: anywhere from half a period to one and a half.
/// Sockets opened together (every client reconnecting after a restart, a benchmark's ten thousand) would
/// otherwise be pinged together, all at once, for as long as they stay open.
fn first_ping(period: Duration, random: f64) -> Duration {
    period / 2 + period.mul_f64(random.clamp(0.0, 1.0))
}

/// A renewal must be a valid token of the same user.
async fn renew(
    caller: &Caller,
    message: &Value,
    tokens: &TokenVerifier,
) -> Result<Caller, (&'static str, &'static str, u16)> {
    let Some(token) = message.get("token").and_then(Value::as_str) else {
        return Err(("unauthorized", "an auth frame carries a token", CLOSE_UNAUTHENTICATED));
    };
    match tokens.verify(token).await {
        Ok(renewed) if renewed.user_id == caller.user_id => Ok(renewed),
        Ok(_) => Err(("forbidden", "a socket stays with the user who opened it", CLOSE_FORBIDDEN)),
        Err(err) => {
            let (code, detail) = refusal(&err);
            Err((code, detail, CLOSE_UNAUTHENTICATED))
        }
    }
}

/// Time left until `expires_at` (seconds since the epoch).
fn until(expires_at: i64) -> Duration {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Duration::from_secs(u64::try_from(expires_at).unwrap_or(0).saturating_sub(now))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::first_ping;

    #[test]
    fn sockets_opened_together_are_first_pinged_across_a_whole_period() {
        let period = Duration::from_secs(20);
        assert_eq!(first_ping(period, 0.0), Duration::from_secs(10));
        assert_eq!(first_ping(period, 0.5), Duration::from_secs(20));
        assert_eq!(first_ping(period, 0.999), Duration::from_millis(29_980));
        let firsts: Vec<Duration> = (0..1000).map(|_| first_ping(period, fastrand::f64())).collect();
        assert!(firsts.iter().all(|f| (Duration::from_secs(10)..Duration::from_secs(30)).contains(f)));
        // Spread, not bunched: each fifth of the window gets some of a thousand sockets.
        for fifth in 0..5u64 {
            let from = Duration::from_secs(10 + 4 * fifth);
            assert!(firsts.iter().any(|f| (from..from + Duration::from_secs(4)).contains(f)), "none in fifth {fifth}");
        }
    }
}
