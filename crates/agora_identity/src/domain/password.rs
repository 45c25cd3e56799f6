//! The password policy: long enough to resist guessing, not one of the passwords everyone tries first, and
//! not the account's own email. Messages say what to do, not just what is wrong.

/// A password that meets the policy. Never printed: its `Debug` is redacted.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Passwords attackers try first; a longer list would live in a file, these are the ones that also meet the
/// length rule.
const COMMON: &[&str] = &[
    "password12",
    "password123",
    "password1234",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "administrator",
    "passw0rd123",
    "1q2w3e4r5t",
    "qwerty12345",
    "abc1234567",
    "0987654321",
    "football123",
    "monkey12345",
    "sunshine123",
    "princess123",
    "changeme123",
];

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    /// Checks `input` against the policy for an account with the given email local part.
    pub fn parse(input: &str, email_local_part: &str) -> Result<Password, &'static str> {
        let chars = input.chars().count();
        if chars == 0 {
            return Err("choose a password");
        }
        if chars < Password::MIN_CHARS {
            return Err("use at least 10 characters; a few unrelated words make a strong password");
        }
        if chars > Password::MAX_CHARS {
            return Err("use at most 128 characters");
        }
        let lower = input.to_lowercase();
        if COMMON.contains(&lower.as_str()) {
            return Err("this password is one of the first that attackers try; choose another");
        }
        let mut distinct: Vec<char> = lower.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 4 {
            return Err("use more than a few different characters");
        }
        if email_local_part.len() >= 4 && lower.contains(&email_local_part.to_lowercase()) {
            return Err("do not use your email address in your password");
        }
        Ok(Password(input.to_owned()))
    }

    /// A password presented at sign-in, checked only against the hash (the policy may have changed).
    pub fn presented(input: &str) -> Password {
        Password(input.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_repetitive_and_email_passwords_are_refused() {
        assert!(Password::parse("short", "ada").is_err());
        assert!(Password::parse("Password123", "ada").is_err());
        assert!(Password::parse("aaaaaaaaaaaa", "ada").is_err());
        assert!(Password::parse("lovelace-rules-2026", "lovelace").is_err());
        assert!(Password::parse(&"x1".repeat(65), "ada").is_err());
    }

    #[test]
    fn a_passphrase_is_accepted_and_never_printed() {
        let password = Password::parse("correct horse battery", "ada").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
