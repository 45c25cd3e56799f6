//! A conversation between a product's buyer and its seller, and which side a user is on.

use agora_core::Timestamp;
use uuid::Uuid;

/// Which side of a conversation a participant is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buyer,
    Seller,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Seller => "seller",
        }
    }
}

/// A conversation as stored, with the names to show for each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: Uuid,
    pub buyer_id: Uuid,
    pub seller_id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    pub buyer_name: String,
    pub seller_name: String,
    pub last_seq: i64,
    pub buyer_read_seq: i64,
    pub seller_read_seq: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Conversation {
    /// The side `user` is on; `None` for anyone but its two participants.
    pub fn side_of(&self, user: Uuid) -> Option<Side> {
        if user == self.buyer_id {
            Some(Side::Buyer)
        } else if user == self.seller_id {
            Some(Side::Seller)
        } else {
            None
        }
    }

    /// The participant on the other side from `side`.
    pub fn other(&self, side: Side) -> Uuid {
        match side {
            Side::Buyer => self.seller_id,
            Side::Seller => self.buyer_id,
        }
    }

    /// How far `side` has read.
    pub fn read_seq(&self, side: Side) -> i64 {
        match side {
            Side::Buyer => self.buyer_read_seq,
            Side::Seller => self.seller_read_seq,
        }
    }

    pub fn name(&self, side: Side) -> &str {
        match side {
            Side::Buyer => &self.buyer_name,
            Side::Seller => &self.seller_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation() -> Conversation {
        let now = Timestamp::now();
        Conversation {
            id: Uuid::now_v7(),
            buyer_id: Uuid::now_v7(),
            seller_id: Uuid::now_v7(),
            product_id: Uuid::now_v7(),
            product_title: "Sencha".to_owned(),
            buyer_name: "Carol".to_owned(),
            seller_name: "Alice's Teas".to_owned(),
            last_seq: 3,
            buyer_read_seq: 1,
            seller_read_seq: 3,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn only_the_two_participants_have_a_side() {
        let c = conversation();
        assert_eq!(c.side_of(c.buyer_id), Some(Side::Buyer));
        assert_eq!(c.side_of(c.seller_id), Some(Side::Seller));
        assert_eq!(c.side_of(Uuid::now_v7()), None);
        assert_eq!(c.other(Side::Buyer), c.seller_id);
        assert_eq!((c.read_seq(Side::Buyer), c.read_seq(Side::Seller)), (1, 3));
    }
}
