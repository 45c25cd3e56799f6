//! HTTP plumbing every service shares: RFC 9457 problem+json errors with stable codes, request ids,
//! request metrics, health endpoints, the middleware stack, and the [`Service`] definition through which
//! a service hands its routes, consumers and background tasks to the binary.

pub mod auth;
pub mod client;
pub mod client_addr;
pub mod health;
pub mod json;
pub mod live;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod problem;
pub mod service;

pub use auth::{AuthError, Caller, Role, TokenVerifier};
pub use client::{ClientError, ServiceClient};
pub use client_addr::{ClientAddr, TrustedProxies};
pub use json::JsonBody;
pub use problem::{ApiError, FieldError, Problem};
pub use service::{BackgroundTask, ReadinessCheck, Service, ServiceContext, ServiceParts};
