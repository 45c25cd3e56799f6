//! Payment's settings (`[settings.payment]`). Provider secrets come only from the environment and never
//! show in `Debug` output, so they cannot end up in a log.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// Which payment provider takes the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Built in: test card numbers that succeed, decline, or complete later by webhook.
    Simulated,
    /// Any Stripe-compatible PaymentIntents API.
    Stripe,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Simulated => "simulated",
            ProviderKind::Stripe => "stripe",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentSettings {
    pub provider: ProviderKind,
    /// Webhook signatures older or newer than this are refused (replays).
    pub webhook_tolerance_secs: u64,
    /// How often queued refunds, unanswered attempts and charges waiting for a webhook are looked at.
    pub sweep_ms: u64,
    /// A charge still processing this long after the provider's last word is asked about again (a lost
    /// webhook); an attempt the provider never answered is given up after the provider timeout plus this.
    pub reconcile_after_secs: u64,
    pub simulated: SimulatedSettings,
    pub stripe: StripeSettings,
}

impl Default for PaymentSettings {
    fn default() -> Self {
        PaymentSettings {
            provider: ProviderKind::Simulated,
            webhook_tolerance_secs: 300,
            sweep_ms: 1000,
            reconcile_after_secs: 60,
            simulated: SimulatedSettings::default(),
            stripe: StripeSettings::default(),
        }
    }
}

impl PaymentSettings {
    pub fn sweep_every(&self) -> Duration {
        Duration::from_millis(self.sweep_ms.max(10))
    }

    pub fn reconcile_after(&self) -> Duration {
        Duration::from_secs(self.reconcile_after_secs)
    }

    /// How long a call to the provider may take.
    pub fn provider_timeout(&self) -> Duration {
        match self.provider {
            ProviderKind::Simulated => Duration::from_secs(10),
            ProviderKind::Stripe => Duration::from_millis(self.stripe.timeout_ms.max(1)),
        }
    }

    /// Checks what the chosen provider needs; the error names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.provider == ProviderKind::Stripe {
            let base = self.stripe.api_base.trim();
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err("settings.payment.stripe.api_base: must be an http(s) URL".to_owned());
            }
            if self.stripe.secret_key.trim().is_empty() {
                return Err(
                    "settings.payment.stripe.secret_key: is required when provider is stripe (give it through \
                            AGORA_SETTINGS__PAYMENT__STRIPE__SECRET_KEY)"
                        .to_owned(),
                );
            }
            if self.stripe.webhook_secret.trim().is_empty() {
                return Err("settings.payment.stripe.webhook_secret: is required when provider is stripe (give it \
                            through AGORA_SETTINGS__PAYMENT__STRIPE__WEBHOOK_SECRET)"
                    .to_owned());
            }
        }
        Ok(())
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulatedSettings {
    /// How long a card that needs the asynchronous webhook takes to succeed, in milliseconds.
    pub webhook_delay_ms: u64,
    /// Signs the simulated webhooks; empty: a random secret per process.
    pub webhook_secret: String,
}

impl Default for SimulatedSettings {
    fn default() -> Self {
        SimulatedSettings { webhook_delay_ms: 3000, webhook_secret: String::new() }
    }
}

impl fmt::Debug for SimulatedSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimulatedSettings")
            .field("webhook_delay_ms", &self.webhook_delay_ms)
            .field("webhook_secret", &redacted(&self.webhook_secret))
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StripeSettings {
    pub api_base: String,
    pub secret_key: String,
    pub webhook_secret: String,
    pub timeout_ms: u64,
}

impl Default for StripeSettings {
    fn default() -> Self {
        StripeSettings {
            api_base: "https://api.stripe.com".to_owned(),
            secret_key: String::new(),
            webhook_secret: String::new(),
            timeout_ms: 10_000,
        }
    }
}

impl fmt::Debug for StripeSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeSettings")
            .field("api_base", &self.api_base)
            .field("secret_key", &redacted(&self.secret_key))
            .field("webhook_secret", &redacted(&self.webhook_secret))
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() { "(empty)" } else { "(redacted)" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let settings = PaymentSettings {
            stripe: StripeSettings { secret_key: "sk_live_123".into(), ..StripeSettings::default() },
            ..PaymentSettings::default()
        };
        assert!(!format!("{settings:?}").contains("sk_live_123"));
    }

    #[test]
    fn stripe_needs_its_secrets() {
        let mut settings = PaymentSettings { provider: ProviderKind::Stripe, ..PaymentSettings::default() };
        assert!(settings.validate().unwrap_err().contains("secret_key"));
        settings.stripe.secret_key = "sk_test".into();
        assert!(settings.validate().unwrap_err().contains("webhook_secret"));
        settings.stripe.webhook_secret = "whsec".into();
        assert!(settings.validate().is_ok());
    }
}
