//! One checkout is one trace: the buyer's request to order, the REST call to cart, and every event that
//! follows — catalog holding the stock, payment creating the payment, order moving the checkout on — carry the
//! trace context (HTTP `traceparent`, event envelopes), so their spans share one trace id.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt as _;

use crate::harness::Market;

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes.iter().find(|kv| kv.key.as_str() == key).map(|kv| kv.value.to_string())
}

#[tokio::test]
async fn one_checkouts_spans_share_one_trace_id_across_order_catalog_and_payment() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
    let subscriber =
        tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
    tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in this test process");

    let market = Market::start().await;
    let alice = market.alice().await;
    let tea = market.product(&alice, "Sencha", 1250, 10).await;
    let (carol, address) = market.buyer("carol@example.com").await;
    market.paid_checkout(&carol, &address, &[(&tea, 1)]).await;
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();

    let placing = spans
        .iter()
        .find(|s| {
            s.name == "request"
                && attribute(s, "method").as_deref() == Some("POST")
                && attribute(s, "uri").is_some_and(|u| u.ends_with("/order/checkouts"))
        })
        .expect("a span for placing the checkout");
    let trace = placing.span_context.trace_id();
    let in_trace: Vec<&SpanData> = spans.iter().filter(|s| s.span_context.trace_id() == trace).collect();
    let groups: Vec<String> = in_trace.iter().filter_map(|s| attribute(s, "consumer.group")).collect();
    for service in ["order.", "catalog.", "payment."] {
        assert!(
            groups.iter().any(|g| g.starts_with(service)),
            "no {service} consumer span in the checkout's trace; its consumer spans: {groups:?}"
        );
    }
    assert!(
        in_trace.iter().any(|s| s.name == "request" && attribute(s, "uri").is_some_and(|u| u.contains("/cart"))),
        "order's call to cart did not continue the trace"
    );
    // Another buyer's checkout is a trace of its own.
    let others = spans.iter().filter(|s| s.name == "request" && s.span_context.trace_id() != trace).count();
    assert!(others > 0, "every request was put in one trace");
}
