//! Payment's metrics (`agora_payment_*`), with labels of low cardinality.

/// How a charge's success reached payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The provider's answer to the attempt itself.
    Attempt,
    /// The buyer's browser coming back from the payment page.
    Return,
    Webhook,
    /// The sweeper asking about a charge whose webhook never came.
    Reconcile,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Attempt => "attempt",
            Via::Return => "return",
            Via::Webhook => "webhook",
            Via::Reconcile => "reconcile",
        }
    }
}

/// An attempt's first answer: `succeeded`, `processing`, `declined`, `error`.
pub fn attempt(outcome: &'static str) {
    metrics::counter!("agora_payment_attempts_total", "outcome" => outcome).increment(1);
}

/// A completion path's outcome: `captured`, `refund_late`, `refund_duplicate`, or `lost` (another path
/// completed the charge first).
pub fn completion(via: Via, outcome: &'static str) {
    metrics::counter!("agora_payment_completions_total", "via" => via.as_str(), "outcome" => outcome).increment(1);
}

/// An order cancelled after payment: its refund `queued`, a `duplicate` of one queued before, `refused`
/// (more than the charge has left), `nothing_to_refund` (the whole charge went back already) or
/// `not_captured_yet` (tried again later).
pub fn order_refund(outcome: &'static str) {
    metrics::counter!("agora_payment_order_refunds_total", "outcome" => outcome).increment(1);
}

/// A refund sent to the provider: `succeeded` or `retry`.
pub fn refund(outcome: &'static str) {
    metrics::counter!("agora_payment_refunds_total", "outcome" => outcome).increment(1);
}

/// A webhook: `applied`, `duplicate`, `ignored`, `unknown_charge`, `bad_signature`.
pub fn webhook(provider: &'static str, outcome: &'static str) {
    metrics::counter!("agora_payment_webhooks_total", "provider" => provider, "outcome" => outcome).increment(1);
}
