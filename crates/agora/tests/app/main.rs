//! The platform end to end: a service added by writing only its own parts, the HTTP plumbing, the binary,
//! and the generated schemas.

mod binary;
mod notes;
mod plumbing;
mod schemas;
mod service;
