//! Whose cart: a signed-in buyer (their id comes from the access token) or a visitor holding a guest token
//! the cart service minted. Tokens are secrets: only their SHA-256 is stored, and they are never logged.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::CartError;

/// Random bytes in a guest token (256 bits, far beyond guessing).
const TOKEN_BYTES: usize = 32;
/// Length of a token in base64url without padding.
const TOKEN_CHARS: usize = 43;

/// Whose cart a request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartOwner {
    Buyer(Uuid),
    Guest(GuestToken),
}

impl CartOwner {
    /// Where the cart is stored.
    pub fn key(&self) -> CartKey {
        match self {
            CartOwner::Buyer(id) => CartKey::buyer(*id),
            CartOwner::Guest(token) => CartKey { guest: true, id: format!("g:{}", token.digest()) },
        }
    }

    /// The buyer's id; `None` for a visitor.
    pub fn buyer_id(&self) -> Option<Uuid> {
        match self {
            CartOwner::Buyer(id) => Some(*id),
            CartOwner::Guest(_) => None,
        }
    }
}

/// A visitor's cart token: opaque, unguessable, kept by the storefront in its session cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct GuestToken(String);

impl GuestToken {
    /// A new random token.
    pub fn mint() -> Result<GuestToken, CartError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| CartError::Internal(format!("no randomness: {e}")))?;
        Ok(GuestToken(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token as sent back by a client; `None` when it cannot be one this service minted.
    pub fn parse(text: &str) -> Option<GuestToken> {
        let text = text.trim();
        let shaped =
            text.len() == TOKEN_CHARS && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        shaped.then(|| GuestToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored instead of the token (no salt or stretching needed for 256 random bits).
    fn digest(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// Never prints the token itself.
impl std::fmt::Debug for GuestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuestToken(..)")
    }
}

/// A cart's storage key: `b:<buyer id>` or `g:<token digest>`. A buyer's cart exists as soon as it is
/// written to; a visitor's only from when it was minted until it expires or is merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CartKey {
    guest: bool,
    id: String,
}

impl CartKey {
    pub fn buyer(id: Uuid) -> CartKey {
        CartKey { guest: false, id: format!("b:{id}") }
    }

    pub fn is_guest(&self) -> bool {
        self.guest
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_parse_and_differ() {
        let a = GuestToken::mint().unwrap();
        let b = GuestToken::mint().unwrap();
        assert_ne!(a, b);
        assert_eq!(GuestToken::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.as_str().len(), TOKEN_CHARS);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for text in ["", "short", &"a".repeat(44), &format!("{}!", "a".repeat(42))] {
            assert_eq!(GuestToken::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_guest_key_holds_the_digest_not_the_token() {
        let token = GuestToken::mint().unwrap();
        let key = CartOwner::Guest(token.clone()).key();
        assert!(key.is_guest());
        assert!(!key.as_str().contains(token.as_str()));
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
