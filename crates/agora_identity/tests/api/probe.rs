//! `probe`: a stand-in for any service other than identity. It verifies access tokens the way every service
//! does, with the `Caller` extractor, and records the events identity publishes, as a consumer elsewhere
//! would see them.

use std::sync::Arc;

use agora_events::TopicEvents;
use agora_events::identity::{SellerEvent, UserEvent};
use agora_http::{AuthError, Caller, Role};
pub use agora_testkit::probe::{EventProbe, Events};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// The probe: records identity's events and answers `/whoami` and `/sellers-only` as any service would.
pub fn probe() -> (Arc<EventProbe>, Events) {
    let events = Events::default();
    let probe = EventProbe {
        topics: vec![UserEvent::TOPIC.to_owned(), SellerEvent::TOPIC.to_owned()],
        events: events.clone(),
        routes: Router::new().route("/whoami", get(whoami)).route("/sellers-only", get(sellers_only)),
    };
    (Arc::new(probe), events)
}

async fn whoami(caller: Caller) -> Json<Value> {
    Json(json!({ "user_id": caller.user_id, "roles": caller.roles }))
}

async fn sellers_only(caller: Caller) -> Result<Json<Value>, AuthError> {
    caller.require(Role::Seller)?;
    Ok(Json(json!({ "shop_owner": caller.user_id })))
}
