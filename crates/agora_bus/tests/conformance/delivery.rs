//! Events written through the outbox reach every consumer group once, in order per key, and survive a
//! consumer being killed part-way.

use std::sync::Arc;
use std::time::Duration;

use agora_testkit::Backends;
use tokio_util::sync::CancellationToken;

use crate::on_every_backend;
use crate::support::{Recorder, World, assert_once_in_order};

const KEYS: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

on_every_backend!(
    each_group_gets_every_event_once_in_order_per_key,
    a_killed_consumer_resumes_without_loss_or_repeat,
    a_standby_relay_takes_over_when_the_leader_stops
);

async fn each_group_gets_every_event_once_in_order_per_key(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let world = Arc::new(world);
    world.start_relay();
    world.start_consumer("billing", Recorder::new("billing"));
    world.start_consumer("search", Recorder::new("search"));

    world.write_many(&KEYS, 50).await;

    for group in ["billing", "search"] {
        let applied = world.wait_for(group, 200).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let settled = world.applied(group).await;
        assert_eq!(settled.len(), applied.len(), "group {group} kept receiving events");
        assert_once_in_order(&settled, &KEYS, 50);
    }
}

async fn a_killed_consumer_resumes_without_loss_or_repeat(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let world = Arc::new(world);
    world.write_many(&KEYS, 60).await;
    world.start_relay();

    // Kill the consumer three times while it is part-way through a batch (each event is slow), then
    // let a fresh one finish.
    let recorder = Recorder::slow("ledger", Duration::from_millis(3));
    for round in 1..=3usize {
        let stop = CancellationToken::new();
        let task = world.start_consumer_until("ledger", recorder.clone(), stop);
        let target = round * 40;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while world.applied("ledger").await.len() < target {
            assert!(tokio::time::Instant::now() < deadline, "consumer made no progress in round {round}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        task.abort();
        let _ = task.await;
    }
    world.start_consumer("ledger", Recorder::new("ledger"));
    let applied = world.wait_for("ledger", 240).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.applied("ledger").await.len(), applied.len());
    assert_once_in_order(&applied, &KEYS, 60);
}

async fn a_standby_relay_takes_over_when_the_leader_stops(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let world = Arc::new(world);
    world.start_consumer("ledger", Recorder::new("ledger"));
    let (first, second) = (CancellationToken::new(), CancellationToken::new());
    let leader = world.start_relay_until(first.clone());
    tokio::time::sleep(Duration::from_millis(200)).await;
    world.start_relay_until(second.clone());

    for seq in 0..20 {
        world.write("alpha", seq).await;
    }
    world.wait_for("ledger", 20).await;

    // The leader stops and hands its lease back; the standby publishes the rest.
    first.cancel();
    leader.await.unwrap();
    for seq in 20..40 {
        world.write("alpha", seq).await;
    }
    let applied = world.wait_for("ledger", 40).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.applied("ledger").await.len(), 40);
    assert_once_in_order(&applied, &["alpha"], 40);
    second.cancel();
}
