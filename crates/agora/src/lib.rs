//! The Agora binary as a library: configuration, the service registry, composition of the chosen services
//! in one process, and the commands of the command line. `main.rs` only parses arguments and calls in.

pub mod admin;
pub mod bus;
pub mod cli;
pub mod commands;
pub mod config;
pub mod registry;
pub mod runtime;
pub mod seed;
pub mod storage;
pub mod telemetry;

pub use config::Config;
pub use runtime::RunningApp;
