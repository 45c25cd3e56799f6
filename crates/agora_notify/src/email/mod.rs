//! Email: one email per notification, when `[settings.notify.email] enabled`. The notification's transaction
//! writes a pending row (`emails`); the [`sender`] task sends it after commit through a [`Mailer`], retries
//! with back-off while the relay fails, and marks it sent. [`SmtpMailer`] speaks SMTP with lettre.

pub mod sender;

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::EmailSettings;
use crate::domain::Notification;

/// One email to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
}

/// What the email of a notification says after its greeting: the body, and the link on the storefront.
pub fn text_of(notification: &Notification, site_url: &str) -> String {
    match &notification.link {
        Some(link) => format!("{}\n\n{}{link}", notification.body, site_url.trim_end_matches('/')),
        None => notification.body.clone(),
    }
}

/// The whole text of an email to `name`.
pub fn letter(name: &str, text: &str) -> String {
    format!(
        "Hello {name},\n\n{text}\n\n-- \nAgora. To stop emails like this one, mute its kind of notification in \
         your notification settings.\n"
    )
}

/// Why an email was not sent. The message never holds the relay's URL.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// Sends emails.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, email: &Email) -> Result<(), MailError>;
}

/// A [`Mailer`] over SMTP.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Checks the settings' URL and From address, naming the bad key (never echoing the URL).
    pub fn check(settings: &EmailSettings) -> Result<(), String> {
        SmtpMailer::new(settings).map(drop)
    }

    pub fn new(settings: &EmailSettings) -> Result<SmtpMailer, String> {
        let from: Mailbox = settings.from.parse().map_err(|_| {
            "settings.notify.email.from: not a mailbox such as `Agora <no-reply@example.com>`".to_owned()
        })?;
        let url = connection_url(settings.smtp_url.trim()).ok_or_else(bad_url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|_| bad_url())?
            .timeout(Some(Duration::from_secs(settings.timeout_secs)))
            .build();
        Ok(SmtpMailer { transport, from })
    }
}

fn bad_url() -> String {
    "settings.notify.email.smtp_url: not an smtp:// or smtps:// URL of a mail relay".to_owned()
}

/// The URL as lettre reads it: a plain `smtp://` upgrades to TLS whenever the relay offers STARTTLS.
fn connection_url(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    match scheme {
        "smtps" => Some(url.to_owned()),
        "smtp" if url.contains("tls=") => Some(url.to_owned()),
        "smtp" if url.contains('?') => Some(format!("{url}&tls=opportunistic")),
        "smtp" => Some(format!("{url}?tls=opportunistic")),
        _ => None,
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let address: Address =
            email.to.parse().map_err(|_| MailError("the recipient's address is not valid".to_owned()))?;
        let to = Mailbox::new(Some(email.to_name.clone()).filter(|name| !name.trim().is_empty()), address);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.text.clone())
            .map_err(|e| MailError(format!("building the email: {e}")))?;
        self.transport.send(message).await.map(drop).map_err(|e| MailError(smtp_failure(&e)))
    }
}

/// What is kept of an SMTP failure (logged, stored with the email): its kind and reply code, never the
/// relay's words, which usually repeat the recipient's address.
fn smtp_failure(err: &lettre::transport::smtp::Error) -> String {
    let code = err.status().map(|code| format!(" (reply code {code})")).unwrap_or_default();
    let kind = if err.is_permanent() {
        "the relay refused the email for good"
    } else if err.is_transient() {
        "the relay refused the email for now"
    } else if err.is_timeout() {
        "the relay did not answer in time"
    } else {
        "the relay could not be reached or spoke unexpectedly"
    };
    format!("{kind}{code}")
}

#[cfg(test)]
mod tests {
    use super::connection_url;

    #[test]
    fn plain_smtp_takes_starttls_when_offered_unless_told_otherwise() {
        assert_eq!(connection_url("smtp://relay:25").unwrap(), "smtp://relay:25?tls=opportunistic");
        assert_eq!(connection_url("smtp://relay:25/agora?x=1").unwrap(), "smtp://relay:25/agora?x=1&tls=opportunistic");
        assert_eq!(connection_url("smtp://relay?tls=required").unwrap(), "smtp://relay?tls=required");
        assert_eq!(connection_url("smtps://u:p@relay").unwrap(), "smtps://u:p@relay");
        assert!(connection_url("http://relay").is_none());
        assert!(connection_url("relay:25").is_none());
    }
}
