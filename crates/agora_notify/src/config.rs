//! Notify's settings (`[settings.notify]`, with `.live` for sockets and `.email` for SMTP), checked at start
//! so a bad value names its key. The SMTP URL may hold a password: it is never logged or shown, not even in
//! `Debug`.

use std::fmt;
use std::time::Duration;

use agora_http::live::LiveSettings;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// Notifications per inbox page when the client does not ask for fewer (at most 100).
    pub page_size: u32,
    pub live: LiveSettings,
    pub email: EmailSettings,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings { page_size: 30, live: LiveSettings::default(), email: EmailSettings::default() }
    }
}

/// `[settings.notify.email]`: one email per notification over SMTP, off by default.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    pub enabled: bool,
    /// `smtp://` (STARTTLS when the server offers it, unless `?tls=required`) or `smtps://`, with credentials
    /// in the URL when the relay wants them.
    pub smtp_url: String,
    /// The From mailbox, such as `Agora <no-reply@example.com>`.
    pub from: String,
    /// The storefront's public address, put before the links of notifications in emails.
    pub site_url: String,
    /// How often the email task looks for emails to send, in milliseconds.
    pub poll_ms: u64,
    /// The first pause after a failed attempt, in milliseconds; each further failure doubles it.
    pub retry_initial_ms: u64,
    /// The longest pause between attempts, in seconds.
    pub retry_max_secs: u64,
    /// Attempts before an email is given up (and counted as `failed`).
    pub max_attempts: u32,
    /// How long one SMTP exchange may take, in seconds.
    pub timeout_secs: u64,
}

impl Default for EmailSettings {
    fn default() -> Self {
        EmailSettings {
            enabled: false,
            smtp_url: String::new(),
            from: "Agora <no-reply@agora.localhost>".to_owned(),
            site_url: "http://localhost:8080".to_owned(),
            poll_ms: 250,
            retry_initial_ms: 1000,
            retry_max_secs: 300,
            max_attempts: 20,
            timeout_secs: 10,
        }
    }
}

impl fmt::Debug for EmailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailSettings")
            .field("enabled", &self.enabled)
            .field("smtp_url", &if self.smtp_url.is_empty() { "" } else { "<redacted>" })
            .field("from", &self.from)
            .field("site_url", &self.site_url)
            .finish_non_exhaustive()
    }
}

impl NotifySettings {
    /// Checks every value; the error names the first bad key (and never repeats the SMTP URL).
    pub fn validate(&self) -> Result<(), String> {
        let key = |name: &str, message: &str| format!("settings.notify.{name}: {message}");
        if !(1..=100).contains(&self.page_size) {
            return Err(key("page_size", "must be between 1 and 100"));
        }
        self.live.validate().map_err(|message| format!("settings.notify.{message}"))?;
        let email = &self.email;
        if !email.enabled {
            return Ok(());
        }
        if email.smtp_url.trim().is_empty() {
            return Err(key(
                "email.smtp_url",
                "is required when settings.notify.email.enabled is true (set AGORA_SETTINGS__NOTIFY__EMAIL__SMTP_URL)",
            ));
        }
        crate::email::SmtpMailer::check(email)?;
        for (name, value) in [("email.poll_ms", email.poll_ms), ("email.retry_initial_ms", email.retry_initial_ms)] {
            if value == 0 {
                return Err(key(name, "must be at least 1"));
            }
        }
        if email.retry_max_secs == 0 || email.timeout_secs == 0 || email.max_attempts == 0 {
            return Err(key(
                "email.retry_max_secs",
                "retry_max_secs, timeout_secs and max_attempts must be at least 1",
            ));
        }
        Ok(())
    }
}

impl EmailSettings {
    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.poll_ms)
    }

    /// The pause after the `attempt`-th failed attempt (1, 2, …): doubling from the first, up to the longest.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        Duration::from_millis(self.retry_initial_ms)
            .saturating_mul(factor)
            .min(Duration::from_secs(self.retry_max_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_enabled_without_a_url_names_the_key() {
        let mut settings = NotifySettings::default();
        assert!(settings.validate().is_ok(), "off by default, nothing to check");
        settings.email.enabled = true;
        let err = settings.validate().unwrap_err();
        assert!(err.starts_with("settings.notify.email.smtp_url:"), "{err}");
    }

    #[test]
    fn a_bad_smtp_url_is_refused_without_repeating_it() {
        let mut settings = NotifySettings::default();
        settings.email.enabled = true;
        settings.email.smtp_url = "http://user:s3cret@mail.example.com".to_owned();
        let err = settings.validate().unwrap_err();
        assert!(err.starts_with("settings.notify.email.smtp_url:"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        assert!(!format!("{:?}", settings).contains("s3cret"));
        settings.email.smtp_url = "smtp://user:s3cret@mail.example.com:2525".to_owned();
        assert!(settings.validate().is_ok());
        settings.email.from = "not a mailbox".to_owned();
        assert!(settings.validate().unwrap_err().starts_with("settings.notify.email.from:"));
    }

    #[test]
    fn retries_back_off_doubling_up_to_the_longest_pause() {
        let email = EmailSettings { retry_initial_ms: 100, retry_max_secs: 1, ..EmailSettings::default() };
        let pauses: Vec<u128> = (1..=6).map(|n| email.backoff(n).as_millis()).collect();
        assert_eq!(pauses, vec![100, 200, 400, 800, 1000, 1000]);
    }
}
