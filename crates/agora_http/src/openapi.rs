//! What every service's OpenAPI document shares: where it is served, the bearer-token scheme, and the
//! problem+json error body. A service derives its own `utoipa::OpenApi` and passes it through [`finish`].

use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::server::Server;

/// The name of the security scheme handlers list when they need an access token.
pub const BEARER: &str = "bearer";

/// Completes a service's document: title, server path, bearer scheme, and the shared error schemas.
pub fn finish(mut doc: OpenApi, service: &str) -> OpenApi {
    doc.info.title = format!("Agora {service} API");
    doc.info.description = Some(
        "Errors are `application/problem+json` with a stable `code`. Besides the responses each operation \
         lists, any operation may answer 503 `storage_busy` with `Retry-After` when the service's database is \
         busy or unreachable (the request may be repeated, with the same Idempotency-Key where the operation takes \
         one), and 500 `internal`."
            .to_owned(),
    );
    doc.servers = Some(vec![Server::new(format!("/api/{service}"))]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    let shared = <Shared as utoipa::OpenApi>::openapi();
    if let Some(shared) = shared.components {
        components.schemas.extend(shared.schemas);
    }
    doc
}

#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(crate::Problem, crate::FieldError, crate::Role)))]
struct Shared;

/// Declares problem responses for a service's OpenAPI document: one type per status, each a
/// `application/problem+json` body. The calling crate needs `utoipa`.
#[macro_export]
macro_rules! problem_responses {
    ($($name:ident = $status:literal, $description:literal;)+) => {
        $(
            #[derive(utoipa::IntoResponses)]
            #[response(status = $status, description = $description, content_type = "application/problem+json")]
            #[expect(dead_code, reason = "describes a response in the OpenAPI document")]
            pub struct $name($crate::Problem);
        )+
    };
}
