//! The bus's metrics. Names follow `agora_bus_<thing>_<unit|total>`, labelled by service, group and topic
//! (all of low cardinality).

use metrics::{counter, gauge, histogram};

pub fn outbox_backlog(service: &str, rows: i64) {
    gauge!("agora_bus_outbox_backlog", "service" => service.to_owned()).set(rows as f64);
}

pub fn outbox_published(service: &str, count: usize) {
    counter!("agora_bus_outbox_published_total", "service" => service.to_owned()).increment(count as u64);
}

pub fn consumer_lag(group: &str, topic: &str, lag: i64) {
    gauge!("agora_bus_consumer_lag", "group" => group.to_owned(), "topic" => topic.to_owned()).set(lag as f64);
}

/// `outcome` is one of `processed`, `duplicate`, `retried`, `dead_lettered`.
pub fn consumed(group: &str, outcome: &'static str, count: usize) {
    counter!("agora_bus_consumer_events_total", "group" => group.to_owned(), "outcome" => outcome)
        .increment(count as u64);
}

pub fn batch_duration(group: &str, seconds: f64) {
    histogram!("agora_bus_consumer_batch_duration_seconds", "group" => group.to_owned()).record(seconds);
}
