//! `agora admin create`: the only way, with the first-start bootstrap, that an admin comes to exist.

use std::io::{BufRead, IsTerminal};

use agora_bus::Outbox;
use agora_http::Service;
use agora_identity::domain::IdentityError;
use agora_identity::{Identity, IdentityService, IdentitySettings, NewAdmin};
use anyhow::{Context, anyhow};

use crate::config::Config;
use crate::storage;

/// `agora admin create`: reads the password, then [`create`].
pub async fn create_command(config: &Config, email: &str, name: &str) -> anyhow::Result<()> {
    let password = read_password()?;
    let (user, created) = create(config, email, name, &password).await?;
    if created {
        println!("created admin {} ({})", user.email, user.id);
    } else {
        println!("{} ({}) is now an admin; its password is unchanged", user.email, user.id);
    }
    Ok(())
}

/// Creates the admin (or promotes the account) in identity's database; the event is relayed by the next
/// `agora serve`. Returns the account and whether it is new.
pub async fn create(
    config: &Config,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<(agora_identity::domain::User, bool)> {
    let (identity, db) = open_identity(config).await?;
    let input = NewAdmin { email: email.to_owned(), password: password.to_owned(), display_name: name.to_owned() };
    let result = identity.create_admin(input).await;
    db.close().await;
    result.map_err(explain)
}

/// Identity's state on its database (migrated), outside `serve`; its events are relayed by the next `serve`.
pub(crate) async fn open_identity(config: &Config) -> anyhow::Result<(Identity, agora_db::Db)> {
    let service = IdentityService;
    let db = storage::open(config, &service).await?.context("identity has no database")?;
    storage::migrate(&db, &service).await?;
    let settings: IdentitySettings = match config.settings.get(service.name()) {
        Some(section) => serde_json::from_value(section.clone()).context("configuration key settings.identity")?,
        None => IdentitySettings::default(),
    };
    let identity = Identity::new(db.clone(), Outbox::new(service.name()), settings)
        .await
        .map_err(|e| anyhow!("cannot open identity: {}", e.explain()))?;
    Ok((identity, db))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("AGORA_ADMIN_PASSWORD") {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password for the admin (at least 10 characters): ")
            .context("reading the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn explain(err: IdentityError) -> anyhow::Error {
    anyhow!("cannot create the admin: {}", err.explain())
}
