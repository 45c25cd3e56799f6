//! Followers outside any group: each one sees every event published after it attached, none from before,
//! in order per key, and commits nothing a consumer group would notice.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agora_bus::follow::{Attached, follow};
use agora_bus::{OutgoingMessage, TopicSpec};
use agora_events::Envelope;
use agora_testkit::{Backends, Transport};

use crate::on_every_backend;
use crate::support::{ItemAdded, ItemEvent, Recorder, TOPIC, World, assert_once_in_order};

on_every_backend!(
    every_follower_sees_every_later_event_in_order_per_key,
    a_follower_of_a_topic_not_created_yet_attaches_once_it_is
);

type Seen = Arc<Mutex<Vec<(String, i64)>>>;

fn start_follower(world: &World) -> (Seen, Attached) {
    start_follower_on(world, TOPIC)
}

fn start_follower_on(world: &World, topic: &str) -> (Seen, Attached) {
    let seen: Seen = Arc::default();
    let attached = Attached::default();
    let sink = seen.clone();
    tokio::spawn(follow(
        world.bus.clone(),
        vec![topic.to_owned()],
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

/// On Kafka a follower started before its topic exists must not count as attached (readiness stays red) and
/// must attach once the topic is there; the embedded log follows a topic from its first message either way.
async fn a_follower_of_a_topic_not_created_yet_attaches_once_it_is(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let topic = "test.later";
    let (seen, attached) = start_follower_on(&world, topic);
    if backends.transport == Transport::Kafka {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!attached.is_attached(), "attached to a topic that does not exist");
    }
    world.bus.create_topics(&[TopicSpec::new(topic)]).await.unwrap();
    until("the follower to attach", || attached.is_attached()).await;
    let event = ItemEvent::Added(ItemAdded { key: "late".to_owned(), seq: 1 });
    let payload = Envelope::new("agora/test", &event).to_vec();
    let message = OutgoingMessage { topic: topic.to_owned(), key: "late".to_owned(), payload, headers: Vec::new() };
    world.bus.publish(vec![message]).await.unwrap();
    until("the event", || !seen.lock().unwrap().is_empty()).await;
    assert_eq!(seen.lock().unwrap().clone(), [("late".to_owned(), 1)]);
}
