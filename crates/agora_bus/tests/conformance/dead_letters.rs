//! A message whose handler keeps failing goes to the dead-letter topic after N attempts, later messages
//! keep flowing, and a replay brings it back once the cause is fixed.

use std::sync::Arc;
use std::time::Duration;

use agora_bus::dlq;
use agora_testkit::Backends;

use crate::on_every_backend;
use crate::support::{Recorder, TOPIC, World};

on_every_backend!(a_failing_message_is_dead_lettered_and_replayed);

async fn a_failing_message_is_dead_lettered_and_replayed(backends: Backends) {
    let Some(world) = World::new(backends).await else { return };
    let world = Arc::new(world);
    let recorder = Recorder::new("ledger");
    recorder.fail_for(Some("poison"));
    world.start_relay();
    world.start_consumer("ledger", recorder.clone());

    for seq in 0..10 {
        world.write("alpha", seq).await;
    }
    world.write("poison", 0).await;
    for seq in 0..10 {
        world.write("bravo", seq).await;
    }

    // Everything else is applied although the poison message sits before the bravo events.
    let applied = world.wait_for("ledger", 20).await;
    assert!(applied.iter().all(|(key, _)| key != "poison"));

    // The dead letter says who gave up, after how many attempts and why.
    let mut inspector = world.bus.subscribe("inspector", &[dlq::dlq_topic(TOPIC)]).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let letters = loop {
        let batch = inspector.next_batch(10, Duration::from_secs(1)).await.unwrap();
        if !batch.is_empty() {
            break batch;
        }
        assert!(tokio::time::Instant::now() < deadline, "no dead letter arrived");
    };
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert_eq!(letter.key, "poison");
    assert_eq!(letter.header(dlq::GROUP), Some("ledger"));
    assert_eq!(letter.header(dlq::ATTEMPTS), Some("3"));
    assert_eq!(letter.header(dlq::ORIGINAL_TOPIC), Some(TOPIC));
    assert!(letter.header(dlq::ERROR).is_some_and(|e| e.contains("refusing poison")));
    inspector.close().await.unwrap();

    // Fixed: replaying brings it back, and the groups that had it already are not bothered twice.
    recorder.fail_for(None);
    let report = dlq::replay(&world.bus, TOPIC, Duration::from_secs(5)).await.unwrap();
    assert_eq!(report.replayed, 1);
    let applied = world.wait_for("ledger", 21).await;
    assert!(applied.contains(&("poison".to_owned(), 0)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(world.applied("ledger").await.len(), 21);

    // A second replay finds nothing new.
    let again = dlq::replay(&world.bus, TOPIC, Duration::from_secs(2)).await.unwrap();
    assert_eq!(again.replayed, 0);
}
