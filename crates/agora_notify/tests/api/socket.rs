//! A test client of notify's socket (tokio-tungstenite): open it as a user, read the JSON frames the server
//! pushes, send frames, and check that nothing arrives within a window.

use std::time::Duration;

use agora_testkit::api::Session;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::harness::Notify;

/// How long a frame the test waits for may take.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

fn ws_url(notify: &Notify) -> String {
    format!("{}/api/notify/ws", notify.app.base_url.replacen("http", "ws", 1))
}

impl Socket {
    /// Opens `who`'s socket with a bearer header; returns it after `ready` and the opening unread count.
    pub async fn open(notify: &Notify, who: &Session) -> (Socket, i64) {
        let mut request = ws_url(notify).into_client_request().unwrap();
        request.headers_mut().insert("authorization", format!("Bearer {}", who.access).parse().unwrap());
        let (stream, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        Socket::opened(Socket { stream }, who).await
    }

    /// Opens a socket without a header and authenticates with a first `auth` frame.
    pub async fn open_with_auth_frame(notify: &Notify, who: &Session) -> (Socket, i64) {
        let (stream, _) = tokio_tungstenite::connect_async(ws_url(notify)).await.unwrap();
        let mut socket = Socket { stream };
        socket.send(json!({ "type": "auth", "token": who.access })).await;
        Socket::opened(socket, who).await
    }

    async fn opened(mut socket: Socket, who: &Session) -> (Socket, i64) {
        let ready = socket.next().await;
        assert_eq!((ready["type"].as_str(), ready["user_id"].as_str()), (Some("ready"), Some(who.user_id.as_str())));
        let unread = socket.next().await;
        assert_eq!(unread["type"], "unread", "{unread}");
        let count = unread["unread"].as_i64().unwrap();
        (socket, count)
    }

    pub async fn send(&mut self, frame: Value) {
        self.stream.send(Message::text(frame.to_string())).await.unwrap();
    }

    /// The next JSON frame (pings answered on the way); fails the test after 30 s or when the socket closes.
    pub async fn next(&mut self) -> Value {
        self.within(PATIENCE).await.unwrap_or_else(|| panic!("no frame within {PATIENCE:?}"))
    }

    /// The next JSON frame within `window`, if any.
    pub async fn within(&mut self, window: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + window;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()?;
            match message {
                Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                other => panic!("the socket ended: {other:?}"),
            }
        }
    }

    /// The next frame, which must be a notification: the notification and the unread count with it.
    pub async fn notification(&mut self) -> (Value, i64) {
        let frame = self.next().await;
        assert_eq!(frame["type"], "notification", "{frame}");
        (frame["notification"].clone(), frame["unread"].as_i64().unwrap())
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
