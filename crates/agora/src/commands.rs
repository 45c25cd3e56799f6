//! What each command does.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::cli::{AdminCommand, Cli, Command, DlqCommand, SchemasCommand, SelectArgs, ServeArgs, TopicsCommand};
use crate::config::Config;
use crate::{registry, runtime, storage, telemetry};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = cli.config.clone().or_else(|| std::env::var_os("AGORA_CONFIG").map(Into::into));
    match cli.command {
        Command::Serve(args) => serve(file.as_deref(), args).await,
        Command::Migrate(args) => migrate(&load(file.as_deref(), &args, None)?).await,
        Command::Topics(TopicsCommand::Create(args)) => create_topics(&load(file.as_deref(), &args, None)?).await,
        Command::Dlq(DlqCommand::Replay { topic, idle_secs, data_dir }) => {
            let select = SelectArgs { services: None, data_dir };
            replay(&load(file.as_deref(), &select, None)?, &topic, Duration::from_secs(idle_secs)).await
        }
        Command::Schemas(SchemasCommand::Export { out, check, allow_breaking }) => {
            export_schemas(&out, check, allow_breaking)
        }
        Command::Admin(AdminCommand::Create { email, name, data_dir }) => {
            let select = SelectArgs { services: None, data_dir };
            crate::admin::create_command(&load(file.as_deref(), &select, None)?, &email, &name).await
        }
        Command::Seed { products, seed, data_dir } => {
            let select = SelectArgs { services: None, data_dir };
            let options = crate::seed::SeedOptions { products, seed };
            crate::seed::seed_command(&load(file.as_deref(), &select, None)?, &options).await
        }
    }
}

fn load(file: Option<&Path>, select: &SelectArgs, listen: Option<std::net::SocketAddr>) -> anyhow::Result<Config> {
    let mut overrides = Vec::new();
    if let Some(services) = &select.services {
        overrides.push(("services", services.clone()));
    }
    if let Some(dir) = &select.data_dir {
        overrides.push(("data_dir", dir.display().to_string()));
    }
    if let Some(listen) = listen {
        overrides.push(("listen", listen.to_string()));
    }
    let config = Config::load(file, &overrides)?;
    telemetry::init(&config.log, &config.telemetry, &config.services);
    Ok(config)
}

async fn serve(file: Option<&Path>, args: ServeArgs) -> anyhow::Result<()> {
    let config = load(file, &args.select, args.listen)?;
    let services = registry::select(&registry::all(), &config.services)?;
    // Handlers first: a SIGTERM that arrives while starting must drain, not kill.
    let signal = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (configuration key listen)", config.listen))?;
    let app = runtime::start(&config, services, listener).await?;
    let token = app.shutdown_token();
    tokio::spawn(async move {
        signal.await;
        token.cancel();
        tracing::info!("shutdown requested; draining");
    });
    app.run_until_stopped().await;
    telemetry::flush();
    Ok(())
}

/// Registers the SIGTERM and Ctrl-C handlers now and resolves when either arrives.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            term.recv().await;
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    })
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    for service in registry::select(&registry::all(), &config.services)? {
        let Some(db) = storage::open(config, service.as_ref()).await? else { continue };
        storage::migrate(&db, service.as_ref()).await?;
        db.close().await;
        println!("migrated {}", service.name());
    }
    Ok(())
}

async fn create_topics(config: &Config) -> anyhow::Result<()> {
    let services = registry::select(&registry::all(), &config.services)?;
    let topics = runtime::topics_of(config, &services);
    let handle = crate::bus::connect(config).await?;
    handle.bus.create_topics(&topics).await?;
    for topic in &topics {
        println!("topic {}{} (and its .dlq)", config.bus.topic_prefix, topic.name);
    }
    Ok(())
}

async fn replay(config: &Config, topic: &str, idle: Duration) -> anyhow::Result<()> {
    let handle = crate::bus::connect(config).await?;
    let report = agora_bus::dlq::replay(&handle.bus, topic, idle).await?;
    println!("replayed {} dead letter(s) of {topic}", report.replayed);
    Ok(())
}

/// The schema files for the current event catalogue.
pub fn schema_files() -> BTreeMap<String, String> {
    let mut files = agora_events::export::files(&agora_events::registry::topics());
    for service in registry::all() {
        if let Some(doc) = service.openapi() {
            let json = serde_json::to_string_pretty(&doc).unwrap_or_default();
            files.insert(format!("openapi/{}.json", service.name()), format!("{json}\n"));
        }
    }
    files
}

fn export_schemas(out: &Path, check: bool, allow_breaking: bool) -> anyhow::Result<()> {
    let files = schema_files();
    let breaking = breaking_schema_changes(out, &files);
    if !breaking.is_empty() && !allow_breaking {
        bail!(
            "incompatible event schema changes; publish a new event type version instead \
             (or pass --allow-breaking):\n  {}",
            breaking.join("\n  ")
        );
    }
    if check {
        let stale = stale_schema_files(out, &files);
        if !stale.is_empty() {
            bail!("stale schema files (run `agora schemas export`): {}", stale.join(", "));
        }
        println!("{} schema files are up to date", files.len());
        return Ok(());
    }
    for (path, contents) in &files {
        let target = out.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, contents).with_context(|| format!("writing {}", target.display()))?;
    }
    println!("wrote {} schema files to {}", files.len(), out.display());
    Ok(())
}

/// Incompatible changes of the generated event schemas against those on disk, one line each.
pub fn breaking_schema_changes(dir: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    let read = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    let mut breaking = Vec::new();
    for (path, contents) in files.iter().filter(|(p, _)| p.starts_with("events/")) {
        let Some(old) = std::fs::read_to_string(dir.join(path)).ok().as_deref().and_then(read) else { continue };
        let Some(new) = read(contents) else { continue };
        for change in agora_events::export::breaking_changes(&old, &new) {
            breaking.push(format!("{path}: {change}"));
        }
    }
    breaking
}

/// Paths whose contents on disk differ from `files`: changed, missing, or left over from a removed event.
pub fn stale_schema_files(dir: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|(path, contents)| std::fs::read_to_string(dir.join(path)).ok().as_ref() != Some(*contents))
        .map(|(path, _)| path.clone())
        .collect();
    let on_disk = std::fs::read_dir(dir.join("events")).into_iter().flatten().flatten();
    for entry in on_disk {
        let path = format!("events/{}", entry.file_name().to_string_lossy());
        if !files.contains_key(&path) {
            stale.push(path);
        }
    }
    stale
}
