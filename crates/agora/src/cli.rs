//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Agora — a multi-vendor marketplace in one binary.
///
/// Run with no configuration, `agora serve` starts every service in this process on SQLite files and an
/// embedded event log under ./data. Configuration comes from built-in defaults, then an optional TOML
/// file, then AGORA_* environment variables (AGORA_BUS__BACKEND=kafka), then these flags.
#[derive(Debug, Parser)]
#[command(name = "agora", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Configuration file (TOML) layered over the defaults [env: AGORA_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the services over HTTP until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
    /// Apply every pending database migration of the chosen services, then exit.
    Migrate(SelectArgs),
    /// Kafka topics.
    #[command(subcommand)]
    Topics(TopicsCommand),
    /// Dead letters: events a consumer gave up on.
    #[command(subcommand)]
    Dlq(DlqCommand),
    /// The generated event schemas, AsyncAPI document and OpenAPI documents.
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Administrators (an admin exists only through this command or the first-start bootstrap).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Fill an empty store with demo shops, categories and products with pictures (demo accounts share one
    /// password: AGORA_SEED_PASSWORD, or a random one printed at the end).
    Seed {
        /// How many products
        #[arg(long, default_value_t = 240)]
        products: usize,
        /// The same number makes the same shop
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Directory of the SQLite files [env: AGORA_DATA_DIR] [default: ./data]
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account, or give an existing account the admin role. The password of a new account is
    /// read from AGORA_ADMIN_PASSWORD, else asked for on the terminal, else read as one line from stdin.
    Create {
        /// The admin's email address
        #[arg(long)]
        email: String,
        /// The name other people see
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// Directory of the SQLite files [env: AGORA_DATA_DIR] [default: ./data]
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Services: "all" or a comma-separated list such as catalog,order [env: AGORA_SERVICES]
    #[arg(long, value_name = "LIST")]
    pub services: Option<String>,
    /// Directory for SQLite files and the embedded event log [env: AGORA_DATA_DIR] [default: ./data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Address to listen on [env: AGORA_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum TopicsCommand {
    /// Create the topics (and dead-letter twins) of the chosen services; existing ones are left alone.
    Create(SelectArgs),
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Republish the dead letters of a topic to it, so its consumers try them again.
    Replay {
        /// The topic whose dead letters to replay, such as catalog.products
        #[arg(long)]
        topic: String,
        /// Stop after this many seconds without a dead letter
        #[arg(long, default_value_t = 5)]
        idle_secs: u64,
        /// Directory of the embedded event log [env: AGORA_DATA_DIR]
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SchemasCommand {
    /// Write the JSON Schemas and the AsyncAPI document.
    Export {
        /// Output directory
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
        /// Do not write; fail if the files on disk differ from the generated ones
        #[arg(long)]
        check: bool,
        /// Write even when an event type's schema changes incompatibly (it should get a new version)
        #[arg(long)]
        allow_breaking: bool,
    },
}
