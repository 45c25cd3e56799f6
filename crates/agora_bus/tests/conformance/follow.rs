//! Followers outside any group: each one sees every event published after it attached, none from before,
//! in order per key, and commits nothing a consumer group would notice.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_bus::follow::{Attached, follow};
use agora_events::Envelope;
use agora_testkit::Backends;

use crate::on_every_backend;
use crate::support::{ItemAdded, ItemEvent, Recorder, TOPIC, World, assert_once_in_order};

on_every_backend!(every_follower_sees_every_later_event_in_order_per_key);

type Seen = Arc<Mutex<Vec<(String, i64)>>>;

fn start_follower(world: &World) -> (Seen, Attached) {
    let seen: Seen = Arc::default();
    let attached = Attached::default();
    let sink = seen.clone();
    tokio::spawn(follow(
        world.bus.clone(),
        vec![TOPIC.to_owned()],
        attached.clone(),
        world.shutdown.clone(),
        move |envelope: Envelope| {
            if let Ok(Some(ItemEvent::Added(ItemAdded { key, seq }))) = envelope.decode::<ItemEvent>() {
                sink.lock().unwrap().push((key, seq));
            }
        },
    ));
    (seen, attached)
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn every_follower_sees_every_later_event_in_order_per_key(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let world = Arc::new(world);
    world.start_relay();
    // Events from before the followers start are not theirs to see.
    world.start_consumer("ledger", Recorder::new("ledger"));
    world.write_many(&["early"], 5).await;
    world.wait_for("ledger", 5).await;

    let (first, first_attached) = start_follower(&world);
    let (second, second_attached) = start_follower(&world);
    until("the followers to attach", || first_attached.is_attached() && second_attached.is_attached()).await;

    let keys = ["alpha", "bravo", "charlie"];
    world.write_many(&keys, 40).await;
    for seen in [&first, &second] {
        until("every event", || seen.lock().unwrap().len() >= 120).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for seen in [first, second] {
        let seen = seen.lock().unwrap().clone();
        assert!(seen.iter().all(|(key, _)| key != "early"), "a follower saw an event from before it attached");
        assert_once_in_order(&seen, &keys, 40);
    }
    // The group consuming alongside was not disturbed.
    assert_eq!(world.wait_for("ledger", 125).await.len(), 125);
}
