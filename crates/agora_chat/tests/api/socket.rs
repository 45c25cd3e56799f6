//! A WebSocket client of chat's `/api/chat/ws` for tests (tokio-tungstenite), reading frames with a
//! time-out so a missing frame fails the test instead of hanging it.

use std::time::Duration;

use agora_testkit::TestApp;
use agora_testkit::api::Session;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a frame that should come may take.
const FRAME_WAIT: Duration = Duration::from_secs(10);

/// A socket and every frame it received, in order; `next` reads them one at a time, `wait_for` looks at
/// all of them.
pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    log: Vec<Value>,
    cursor: usize,
}

/// How a socket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// A close frame with this code.
    Closed(u16),
    /// The connection went away without a close frame.
    Dropped,
}

/// `ws://…/api/chat/ws` of the app.
pub fn url(app: &TestApp) -> String {
    app.url("/api/chat/ws").replacen("http://", "ws://", 1)
}

impl Socket {
    /// Connects with `token` in an `Authorization: Bearer` header (none: unauthenticated). Err: the upgrade
    /// was refused with this HTTP status.
    pub async fn connect(app: &TestApp, token: Option<&str>) -> Result<Socket, u16> {
        let mut request = url(app).into_client_request().unwrap();
        if let Some(token) = token {
            request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Socket { stream, log: Vec::new(), cursor: 0 }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(err) => panic!("connecting the socket failed: {err}"),
        }
    }

    /// A socket of `who`, past its `ready` frame (the `unread` frame comes next).
    pub async fn open(app: &TestApp, who: &Session) -> Socket {
        let mut socket = Socket::connect(app, Some(&who.access)).await.expect("the socket opens");
        let ready = socket.next().await;
        assert_eq!(ready["type"], "ready", "{ready}");
        assert_eq!(ready["user_id"], who.user_id.as_str());
        socket
    }

    pub async fn send(&mut self, frame: Value) {
        self.send_text(&frame.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.expect("the frame goes out");
    }

    /// The next text frame not read yet; fails the test when none comes in time or the socket ends.
    pub async fn next(&mut self) -> Value {
        if self.cursor == self.log.len() {
            self.pull().await;
        }
        self.cursor += 1;
        self.log[self.cursor - 1].clone()
    }

    /// Receives one more frame into the log.
    async fn pull(&mut self) {
        match self.receive(FRAME_WAIT).await {
            Some(frame) => self.log.push(frame),
            None => panic!("no frame within {FRAME_WAIT:?}; received so far: {:?}", self.log),
        }
    }

    /// Receives frames until `done` holds for everything received.
    pub async fn wait_for(&mut self, done: impl Fn(&[Value]) -> bool) {
        while !done(&self.log) {
            self.pull().await;
        }
    }

    /// Every frame received so far.
    pub fn log(&self) -> &[Value] {
        &self.log
    }

    /// The seqs of the `message` frames received so far, in arrival order.
    pub fn message_seqs(&self) -> Vec<i64> {
        message_seqs(&self.log)
    }

    /// Waits until `message` frames with every one of `seqs` arrived; their seqs in arrival order.
    pub async fn wait_for_messages(&mut self, seqs: &[i64]) -> Vec<i64> {
        self.wait_for(|log| seqs.iter().all(|s| message_seqs(log).contains(s))).await;
        self.message_seqs()
    }

    /// The next frame of type `kind`, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// The frame that arrives within `wait`, if any (not logged).
    pub async fn receive(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()?;
            let next = next.unwrap_or_else(|| panic!("the socket ended while listening"));
            match next {
                Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).expect("frames are JSON")),
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
                Ok(Message::Binary(_)) => panic!("chat sends text frames only"),
                // A socket that ended hears nothing, which would pass for silence: the tests that listen for
                // silence need it open.
                Ok(Message::Close(close)) => panic!("the socket closed while listening: {close:?}"),
                Err(err) => panic!("the socket failed while listening: {err}"),
            }
        }
    }

    /// Fails the test if any frame arrives within `wait`.
    pub async fn assert_silent(&mut self, wait: Duration) {
        if let Some(frame) = self.receive(wait).await {
            panic!("expected nothing, got {frame}");
        }
    }

    /// Waits for the socket to end, collecting the text frames before it; fails after `wait`.
    pub async fn ended(&mut self, wait: Duration) -> (Vec<Value>, Ended) {
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next = tokio::time::timeout_at(deadline, self.stream.next()).await;
            match next.unwrap_or_else(|_| panic!("the socket is still open after {wait:?}; got {frames:?}")) {
                Some(Ok(Message::Text(text))) => frames.push(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(Some(close)))) => return (frames, Ended::Closed(close.code.into())),
                Some(Ok(Message::Close(None)) | Err(_)) | None => return (frames, Ended::Dropped),
                Some(Ok(_)) => {}
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
        // Read to the end, so the server has seen the close when this returns.
        while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(2), self.stream.next()).await {}
    }

    /// Sends a `send` frame.
    pub async fn say(&mut self, conversation: &str, body: &str, client_id: &str) {
        self.send(json!({ "type": "send", "conversation_id": conversation, "body": body, "client_id": client_id }))
            .await;
    }
}

/// The seqs of the `message` frames among `frames`, in order.
pub fn message_seqs(frames: &[Value]) -> Vec<i64> {
    frames.iter().filter(|f| f["type"] == "message").map(|f| f["message"]["seq"].as_i64().unwrap()).collect()
}

/// The frames of type `kind` among `frames`.
pub fn of_type<'a>(frames: &'a [Value], kind: &str) -> Vec<&'a Value> {
    frames.iter().filter(|f| f["type"] == kind).collect()
}

impl Socket {
    /// Fails the test if a `message` frame arrives within `wait` (other frames are logged).
    pub async fn assert_no_more_messages(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Some(frame) = self.receive(deadline.saturating_duration_since(tokio::time::Instant::now())).await {
            assert_ne!(frame["type"], "message", "a message arrived twice or uninvited: {frame}");
            self.log.push(frame);
        }
    }
}
