//! A fake Stripe on port 0: the PaymentIntents and Refunds endpoints payment calls, checking the secret key
//! and the idempotency key, answering like Stripe (402 for declined cards; refunds in parts, never more
//! than the PaymentIntent took), and recording every request for the test to inspect. It can be told to
//! fail the next refunds, before or after making them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const SECRET_KEY: &str = "sk_test_fake_key";
pub const WEBHOOK_SECRET: &str = "whsec_fake_stripe_endpoint";

/// A test card's payment method: succeeds.
pub const VISA: &str = "pm_card_visa";
pub const DECLINED: &str = "pm_card_chargeDeclined";
pub const NO_FUNDS: &str = "pm_card_chargeDeclinedInsufficientFunds";
/// Answers `processing`; the test decides when it succeeds.
pub const LATER: &str = "pm_card_processing";

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: &'static str,
    pub path: String,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub content_type: Option<String>,
    pub form: Vec<(String, String)>,
}

impl Recorded {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
pub struct Books {
    pub requests: Vec<Recorded>,
    /// PaymentIntent id → status.
    pub intents: HashMap<String, String>,
    /// Idempotency key → the answer given, replayed for the same key.
    answers: HashMap<String, (u16, Value)>,
    /// PaymentIntent id → amount taken, in minor units.
    amounts: HashMap<String, i64>,
    /// PaymentIntent id → amount refunded so far, in minor units.
    pub refunded: HashMap<String, i64>,
    /// How the next refund requests fail, first first.
    refund_failures: Vec<RefundFailure>,
    next: u32,
}

/// A way for a refund request to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundFailure {
    /// 503 before anything is done.
    Down,
    /// The refund is made, but the answer is lost (500): only a retry with the same key learns of it.
    AnswerLost,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    pub books: Arc<Mutex<Books>>,
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let books = Arc::new(Mutex::new(Books::default()));
        let router = Router::new()
            .route("/v1/payment_intents", post(create_intent))
            .route("/v1/payment_intents/{id}", get(retrieve_intent))
            .route("/v1/refunds", post(refund))
            .with_state(books.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        FakeStripe { base, books }
    }

    pub fn requests(&self, path: &str) -> Vec<Recorded> {
        self.books.lock().unwrap().requests.iter().filter(|r| r.path == path).cloned().collect()
    }

    /// The next refund requests fail, one per entry.
    pub fn fail_refunds(&self, failures: &[RefundFailure]) {
        self.books.lock().unwrap().refund_failures.extend_from_slice(failures);
    }

    /// What a PaymentIntent has given back, in minor units.
    pub fn refunded(&self, intent: &str) -> i64 {
        self.books.lock().unwrap().refunded.get(intent).copied().unwrap_or(0)
    }

    pub fn set_status(&self, intent: &str, status: &str) {
        self.books.lock().unwrap().intents.insert(intent.to_owned(), status.to_owned());
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn answer(status: u16, body: Value) -> Response {
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

fn error(status: u16, kind: &str, message: &str) -> (u16, Value) {
    (status, json!({ "error": { "type": kind, "message": message } }))
}

/// Records the request and checks what every call needs; `Err` is the answer to give instead.
fn receive(
    books: &mut Books,
    method: &'static str,
    path: String,
    headers: &HeaderMap,
    body: &str,
) -> Result<Recorded, (u16, Value)> {
    let recorded = Recorded {
        method,
        path,
        authorization: header(headers, "authorization"),
        idempotency_key: header(headers, "idempotency-key"),
        content_type: header(headers, "content-type"),
        form: serde_urlencoded::from_str(body).unwrap_or_default(),
    };
    books.requests.push(recorded.clone());
    if recorded.authorization.as_deref() != Some(&format!("Bearer {SECRET_KEY}")) {
        return Err(error(401, "invalid_request_error", "Invalid API Key provided"));
    }
    if method == "POST" && recorded.idempotency_key.is_none() {
        return Err(error(400, "invalid_request_error", "send an Idempotency-Key"));
    }
    Ok(recorded)
}

async fn create_intent(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap, body: String) -> Response {
    let mut books = books.lock().unwrap();
    let request = match receive(&mut books, "POST", "/v1/payment_intents".to_owned(), &headers, &body) {
        Ok(request) => request,
        Err((status, body)) => return answer(status, body),
    };
    let key = request.idempotency_key.clone().unwrap_or_default();
    if let Some((status, body)) = books.answers.get(&key) {
        return answer(*status, body.clone());
    }
    books.next += 1;
    let id = format!("pi_fake_{}", books.next);
    let declined = |decline_code: &str, message: &str| {
        let intent = json!({ "id": id, "object": "payment_intent", "status": "requires_payment_method" });
        (
            402,
            json!({ "error": {
                "type": "card_error", "code": "card_declined", "decline_code": decline_code, "message": message,
                "payment_intent": intent,
            }}),
        )
    };
    let (status, body) = match request.field("payment_method") {
        Some(VISA) => (200, json!({ "id": id, "object": "payment_intent", "status": "succeeded" })),
        Some(LATER) => (200, json!({ "id": id, "object": "payment_intent", "status": "processing" })),
        Some(DECLINED) => declined("generic_decline", "Your card was declined."),
        Some(NO_FUNDS) => declined("insufficient_funds", "Your card has insufficient funds."),
        _ => error(400, "invalid_request_error", "No such PaymentMethod"),
    };
    if let Some(intent_status) = body["status"].as_str().or(body["error"]["payment_intent"]["status"].as_str()) {
        books.intents.insert(id.clone(), intent_status.to_owned());
        let amount = request.field("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
        books.amounts.insert(id.clone(), amount);
    }
    books.answers.insert(key, (status, body.clone()));
    answer(status, body)
}

async fn retrieve_intent(
    State(books): State<Arc<Mutex<Books>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut books = books.lock().unwrap();
    if let Err((status, body)) = receive(&mut books, "GET", format!("/v1/payment_intents/{id}"), &headers, "") {
        return answer(status, body);
    }
    match books.intents.get(&id) {
        Some(status) => answer(200, json!({ "id": id, "object": "payment_intent", "status": status })),
        None => answer(404, json!({ "error": { "type": "invalid_request_error", "code": "resource_missing" } })),
    }
}

async fn refund(State(books): State<Arc<Mutex<Books>>>, headers: HeaderMap, body: String) -> Response {
    let mut books = books.lock().unwrap();
    let request = match receive(&mut books, "POST", "/v1/refunds".to_owned(), &headers, &body) {
        Ok(request) => request,
        Err((status, body)) => return answer(status, body),
    };
    let failure = if books.refund_failures.is_empty() { None } else { Some(books.refund_failures.remove(0)) };
    if failure == Some(RefundFailure::Down) {
        return answer(503, json!({ "error": { "type": "api_error", "message": "Try again later" } }));
    }
    let key = request.idempotency_key.clone().unwrap_or_default();
    if let Some((status, body)) = books.answers.get(&key) {
        return answer(*status, body.clone());
    }
    let intent = request.field("payment_intent").unwrap_or_default().to_owned();
    let asked = request.field("amount").map(|a| a.parse::<i64>().ok().filter(|a| *a > 0));
    let taken = books.amounts.get(&intent).copied().unwrap_or(0);
    let refunded = books.refunded.get(&intent).copied().unwrap_or(0);
    let (status, body) = match asked {
        _ if books.intents.get(&intent).map(String::as_str) != Some("succeeded") => {
            error(400, "invalid_request_error", "This PaymentIntent has no successful charge to refund")
        }
        // Payment always names the amount: the fake refuses to guess (Stripe would refund the rest).
        None => error(400, "invalid_request_error", "Missing required param: amount"),
        Some(None) => error(400, "invalid_request_error", "Invalid positive integer: amount"),
        _ if refunded >= taken => error(400, "invalid_request_error", "Charge has already been refunded"),
        Some(Some(amount)) if refunded + amount > taken => {
            error(400, "invalid_request_error", "Refund amount is greater than unrefunded amount on charge")
        }
        Some(Some(amount)) => {
            books.refunded.insert(intent, refunded + amount);
            books.next += 1;
            let id = format!("re_fake_{}", books.next);
            (200, json!({ "id": id, "object": "refund", "amount": amount, "status": "succeeded" }))
        }
    };
    books.answers.insert(key, (status, body.clone()));
    if failure == Some(RefundFailure::AnswerLost) {
        return answer(500, json!({ "error": { "type": "api_error", "message": "Something went wrong" } }));
    }
    answer(status, body)
}
