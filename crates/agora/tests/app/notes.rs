//! A complete, tiny service written the way every Agora service is: domain, routes, migrations and an event
//! handler — and nothing else. The platform gives it a database, its outbox relay, its consumer with inbox,
//! retries and dead letters, health and metrics.

use std::sync::Arc;
use std::time::Duration;

use agora_bus::{Consumer, Handler, HandlerError, Outbox, TopicSpec};
use agora_core::{ErrorKind, Timestamp};
use agora_db::{Db, Migrations, Tx};
use agora_events::{Envelope, EventData};
use agora_http::{ApiError, FieldError, Problem, Service, ServiceContext, ServiceParts};
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoteCreated {
    pub note_id: Uuid,
    pub title: String,
}

impl EventData for NoteCreated {
    fn subject(&self) -> String {
        self.note_id.to_string()
    }
}

agora_events::topic! {
    /// Notes of the test service.
    pub enum NoteEvent = "notes.notes" {
        Created(NoteCreated) = "agora.notes.note_created.v1",
    }
}

static MIGRATIONS: Migrations = Migrations {
    owner: "notes",
    postgres: &sqlx::migrate!("tests/app/migrations/postgres"),
    sqlite: &sqlx::migrate!("tests/app/migrations/sqlite"),
};

#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("the note is invalid")]
    Invalid(Vec<FieldError>),
    #[error("no such note")]
    NotFound,
    #[error("storage failed: {0}")]
    Db(#[from] agora_db::DbError),
    #[error(transparent)]
    Event(#[from] agora_bus::EmitError),
}

impl From<sqlx::Error> for NoteError {
    fn from(err: sqlx::Error) -> Self {
        NoteError::Db(err.into())
    }
}

impl ApiError for NoteError {
    fn kind(&self) -> ErrorKind {
        match self {
            NoteError::Invalid(_) => ErrorKind::Invalid,
            NoteError::NotFound => ErrorKind::NotFound,
            NoteError::Db(_) | NoteError::Event(_) => ErrorKind::Internal,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            NoteError::Invalid(_) => "invalid_note",
            NoteError::NotFound => "note_not_found",
            NoteError::Db(_) | NoteError::Event(_) => "internal",
        }
    }
    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            NoteError::Invalid(fields) => fields.clone(),
            _ => Vec::new(),
        }
    }
}

impl IntoResponse for NoteError {
    fn into_response(self) -> Response {
        Problem::from_error(&self).into_response()
    }
}

#[derive(Clone)]
struct AppState {
    db: Db,
    outbox: Outbox,
}

#[derive(Deserialize)]
struct NewNote {
    title: String,
}

#[derive(Serialize)]
struct NoteView {
    id: Uuid,
    title: String,
}

async fn create(State(app): State<AppState>, Json(body): Json<NewNote>) -> Result<Json<NoteView>, NoteError> {
    let title = body.title.trim().to_owned();
    if title.is_empty() || title.len() > 100 {
        return Err(NoteError::Invalid(vec![FieldError::new("title", "between 1 and 100 characters")]));
    }
    let id = agora_core::new_id();
    let mut tx = app.db.begin().await?;
    sqlx::query("INSERT INTO notes (id, title, created_at) VALUES ($1, $2, $3)")
        .bind(id.to_string())
        .bind(&title)
        .bind(Timestamp::now().as_micros())
        .execute(&mut *tx)
        .await?;
    app.outbox.emit(&mut tx, &NoteEvent::Created(NoteCreated { note_id: id, title: title.clone() })).await?;
    tx.commit().await?;
    Ok(Json(NoteView { id, title }))
}

async fn show(State(app): State<AppState>, Path(id): Path<Uuid>) -> Result<Json<NoteView>, NoteError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT title FROM notes WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(app.db.pool())
        .await?;
    let (title,) = row.ok_or(NoteError::NotFound)?;
    Ok(Json(NoteView { id, title }))
}

async fn stats(State(app): State<AppState>) -> Result<Json<serde_json::Value>, NoteError> {
    let count: Option<i64> =
        sqlx::query_scalar("SELECT value FROM note_stats WHERE name = 'created'").fetch_optional(app.db.pool()).await?;
    Ok(Json(serde_json::json!({ "created": count.unwrap_or(0) })))
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    "done"
}

/// While set, the counter fails on notes whose title starts with "poison" (for the dead-letter test).
pub static POISON_FAILS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Counts created notes from the events.
struct Counter;

#[async_trait]
impl Handler for Counter {
    async fn handle(&self, tx: &mut Tx, event: &Envelope) -> Result<(), HandlerError> {
        if let Some(NoteEvent::Created(note)) = event.decode::<NoteEvent>()? {
            if note.title.starts_with("poison") && POISON_FAILS.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(HandlerError::Transient("poisoned note".to_owned()));
            }
            sqlx::query(
                "INSERT INTO note_stats (name, value) VALUES ('created', 1) \
                 ON CONFLICT (name) DO UPDATE SET value = note_stats.value + 1",
            )
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

pub struct NotesService;

#[async_trait]
impl Service for NotesService {
    fn name(&self) -> &'static str {
        "notes"
    }

    fn migrations(&self) -> Option<&'static Migrations> {
        Some(&MIGRATIONS)
    }

    fn topics(&self) -> Vec<TopicSpec> {
        vec![TopicSpec::new("notes.notes")]
    }

    async fn start(&self, ctx: ServiceContext) -> Result<ServiceParts, agora_http::service::ServiceError> {
        let state = AppState { db: ctx.db()?, outbox: ctx.outbox.clone() };
        let router = Router::new()
            .route("/notes", post(create))
            .route("/notes/{id}", get(show))
            .route("/stats", get(stats))
            .route("/slow", get(slow))
            .with_state(state);
        let counter = Consumer {
            group: "notes.counter".to_owned(),
            topics: vec!["notes.notes".to_owned()],
            handler: Arc::new(Counter),
        };
        Ok(ServiceParts { router, consumers: vec![counter], ..ServiceParts::default() })
    }
}
