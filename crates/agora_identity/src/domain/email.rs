//! Email addresses, normalised so that one person cannot hold two accounts by changing case or spaces.

use std::fmt;

/// A syntactically plausible, normalised (trimmed, lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("enter your email address");
        }
        if email.len() > Email::MAX_LEN {
            return Err("an email address has at most 254 characters");
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("an email address looks like name@example.com");
        };
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if local.is_empty()
            || local.len() > 64
            || local.contains(char::is_whitespace)
            || local.contains('@')
            || !domain.contains('.')
            || !labels_ok
        {
            return Err("an email address looks like name@example.com");
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, for the password policy.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or("")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ada.Lovelace@Example.COM ").unwrap().as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in
            ["", "ada", "ada@", "@example.com", "ada@example", "a da@example.com", "ada@exa_mple.com", "ada@-x.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
