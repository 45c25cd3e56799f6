//! A message and its body: checked trimmed (not blank, not too long), stored verbatim.

use agora_core::Timestamp;
use uuid::Uuid;

use super::ChatError;

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// 1, 2, 3… per conversation, without gaps.
    pub seq: i64,
    pub sender_id: Uuid,
    pub body: String,
    pub sent_at: Timestamp,
}

/// A message body that has something to say and is not too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    /// Checks `text` trimmed: 1 to `max_chars` characters. The body keeps the text as sent.
    pub fn parse(field: &str, text: &str, max_chars: usize) -> Result<MessageBody, ChatError> {
        let chars = text.trim().chars().count();
        if chars == 0 {
            return Err(ChatError::field(field, "write something first"));
        }
        // Padding does not count as text, but it is stored and sent: a body of any size but blanks would
        // otherwise pass (four bytes is the longest a character takes).
        if chars > max_chars || text.len() > max_chars.saturating_mul(4) {
            return Err(ChatError::field(field, format!("at most {max_chars} characters")));
        }
        Ok(MessageBody(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_beyond_what_the_text_could_take_is_refused() {
        let padded = format!("a{}", " ".repeat(4 * 10));
        assert!(MessageBody::parse("body", &padded, 10).is_err());
        assert!(MessageBody::parse("body", &format!("a{}", " ".repeat(20)), 10).is_ok());
    }

    #[test]
    fn bodies_are_checked_trimmed_and_kept_as_sent() {
        assert_eq!(MessageBody::parse("body", "  hi\n", 2).unwrap().as_str(), "  hi\n");
        assert!(MessageBody::parse("body", " \n\t ", 10).is_err());
        assert!(MessageBody::parse("body", "", 10).is_err());
        assert!(MessageBody::parse("body", "héllo", 5).is_ok(), "characters, not bytes");
        assert!(MessageBody::parse("body", "hello!", 5).is_err());
    }
}
