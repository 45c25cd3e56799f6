//! Messages as the bus carries them: a key, an opaque payload and string headers.

/// String headers of a message (trace context, dead-letter annotations).
pub type Headers = Vec<(String, String)>;

/// A message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub topic: String,
    /// Messages with the same key keep their order.
    pub key: String,
    pub payload: Vec<u8>,
    pub headers: Headers,
}

/// A received message and its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: String,
    pub payload: Vec<u8>,
    pub headers: Headers,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}
