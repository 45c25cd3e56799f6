//! Logging and tracing: `tracing` to stderr, readable or JSON, filtered by `log.level` or `RUST_LOG`; every
//! span also gets an OpenTelemetry context, so trace context can travel through HTTP calls and events
//! (`agora_bus::trace`), and spans are exported over OTLP/HTTP when `telemetry.otlp_endpoint` is set.

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::{LogConfig, LogFormat, TelemetryConfig};

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(log: &LogConfig, telemetry: &TelemetryConfig, services: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let provider = PROVIDER.get_or_init(|| provider(telemetry, services));
    let traces = tracing_opentelemetry::layer().with_tracer(provider.tracer("agora"));
    // With stderr gone (a closed pipe), failing writes must not be reported with `eprintln!`, which
    // panics and would take the task that logged — such as the one that handles SIGTERM — down with it.
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).log_internal_errors(false);
    let registry = tracing_subscriber::registry().with(filter).with(traces);
    let _ = match log.format {
        LogFormat::Json => registry.with(fmt.json().flatten_event(true).with_current_span(true)).try_init(),
        LogFormat::Pretty => registry.with(fmt.compact()).try_init(),
    };
}

/// Spans get ids (always sampled, following a remote parent's decision); they are exported only with an
/// endpoint configured.
fn provider(telemetry: &TelemetryConfig, services: &str) -> SdkTracerProvider {
    let name = if telemetry.service_name.is_empty() {
        format!("agora-{}", services.replace(',', "-"))
    } else {
        telemetry.service_name.clone()
    };
    let resource = opentelemetry_sdk::Resource::builder().with_service_name(name).build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    if telemetry.otlp_endpoint.is_empty() {
        return builder.build();
    }
    let exporter =
        opentelemetry_otlp::SpanExporter::builder().with_http().with_endpoint(telemetry.otlp_endpoint.clone()).build();
    match exporter {
        Ok(exporter) => builder.with_batch_exporter(exporter).build(),
        Err(err) => {
            // Logging is not set up yet; stderr is all there is.
            eprintln!("telemetry.otlp_endpoint: cannot export spans: {err}");
            builder.build()
        }
    }
}

/// Sends the spans still buffered (on shutdown).
pub fn flush() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.force_flush();
    }
}
