//! Identity's metrics: sign-in outcomes (a spike of failures is an attack), registrations, and refresh-token
//! reuse (each one is a stolen or replayed token).

pub fn sign_in(outcome: &'static str) {
    metrics::counter!("agora_identity_sign_ins_total", "outcome" => outcome).increment(1);
}

pub fn registered() {
    metrics::counter!("agora_identity_registrations_total").increment(1);
}

pub fn refresh_reused() {
    metrics::counter!("agora_identity_refresh_reuse_total").increment(1);
}
