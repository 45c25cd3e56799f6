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

/// Where a consumer group resumes in one partition: the offset of the next message to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub topic: String,
    pub partition: i32,
    pub next_offset: i64,
}

/// The positions just past `messages`, one per partition, with `prefix` put in front of the topic names.
pub(crate) fn positions_after(messages: &[Message], prefix: &str) -> Vec<Position> {
    let mut positions: Vec<Position> = Vec::new();
    for message in messages {
        let next_offset = message.offset + 1;
        match positions
            .iter_mut()
            .find(|p| p.partition == message.partition && p.topic[prefix.len()..] == message.topic)
        {
            Some(position) => position.next_offset = position.next_offset.max(next_offset),
            None => positions.push(Position {
                topic: format!("{prefix}{}", message.topic),
                partition: message.partition,
                next_offset,
            }),
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(topic: &str, partition: i32, offset: i64) -> Message {
        Message {
            topic: topic.to_owned(),
            partition,
            offset,
            key: String::new(),
            payload: Vec::new(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn positions_are_just_past_the_last_message_of_each_partition() {
        let batch = [at("a", 0, 4), at("a", 1, 9), at("a", 0, 5), at("b", 0, 1)];
        let positions = positions_after(&batch, "p.");
        let expected = [("p.a", 0, 6), ("p.a", 1, 10), ("p.b", 0, 2)];
        assert_eq!(positions.len(), expected.len());
        for (topic, partition, next_offset) in expected {
            assert!(positions.contains(&Position { topic: topic.to_owned(), partition, next_offset }), "{positions:?}");
        }
    }
}
