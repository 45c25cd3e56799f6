//! Building the bus this process uses from configuration.

use std::sync::Arc;
use std::time::Duration;

use agora_bus::{Broker, Bus, BusError, EmbeddedLog, KafkaBroker, KafkaSettings};

use crate::config::{BusBackend, Config};

/// The bus and, in embedded mode, the log behind it (for retention trimming and closing).
pub struct BusHandle {
    pub bus: Bus,
    pub embedded: Option<EmbeddedLog>,
}

pub async fn connect(config: &Config) -> Result<BusHandle, BusError> {
    match config.bus.backend {
        BusBackend::Embedded => {
            let log = EmbeddedLog::open(&config.data_dir.join("events.db")).await?;
            let broker: Arc<dyn Broker> = Arc::new(log.clone());
            Ok(BusHandle { bus: Bus::new(broker, config.bus.topic_prefix.clone()), embedded: Some(log) })
        }
        BusBackend::Kafka => {
            let broker = KafkaBroker::connect(KafkaSettings {
                brokers: config.bus.kafka.brokers.clone(),
                client_id: format!("agora-{}", std::process::id()),
                publish_timeout: Duration::from_secs(config.bus.kafka.publish_timeout_secs),
                properties: config.bus.kafka.librdkafka_properties(),
            })?;
            Ok(BusHandle { bus: Bus::new(Arc::new(broker), config.bus.topic_prefix.clone()), embedded: None })
        }
    }
}
