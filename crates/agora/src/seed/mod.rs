//! `agora seed`: a living demo shop on a fresh checkout — five sellers with shops, a category tree, a few
//! hundred products with generated pictures, two buyers. Written through the services' own use cases, so
//! every rule holds and every event is in the outboxes for the next `agora serve` to relay.

mod data;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use agora_bus::Outbox;
use agora_catalog::domain::product::{PriceInput, ProductInput};
use agora_catalog::domain::{Attribute, CatalogError};
use agora_catalog::{Catalog, CatalogService, CatalogSettings};
use agora_http::{Caller, Role, Service};
use agora_identity::app::Registration;
use agora_identity::domain::IdentityError;
use agora_media::{MediaStore, demo_image};
use anyhow::{Context, anyhow};
use bytes::Bytes;
use uuid::Uuid;

use crate::config::Config;
use crate::storage;
use data::{KINDS, SHOPS, TREE};

/// What to make.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub products: usize,
    /// Makes the same shop every time.
    pub seed: u64,
}

/// What was made, for the person who asked.
#[derive(Debug)]
pub struct Seeded {
    pub sellers: Vec<String>,
    pub buyers: Vec<String>,
    pub password: String,
    pub categories: usize,
    pub products: usize,
}

/// `agora seed`: seeds, then says how to sign in.
pub async fn seed_command(config: &Config, options: &SeedOptions) -> anyhow::Result<()> {
    let password = match std::env::var("AGORA_SEED_PASSWORD") {
        Ok(p) => p,
        Err(_) => random_password()?,
    };
    let seeded = seed(config, options, &password).await?;
    println!(
        "seeded {} categories and {} products from {} shops",
        seeded.categories,
        seeded.products,
        seeded.sellers.len()
    );
    println!("sellers: {}", seeded.sellers.join(", "));
    println!("buyers:  {}", seeded.buyers.join(", "));
    println!("password of every demo account: {}", seeded.password);
    println!("start the shop with `agora serve` and open http://127.0.0.1:8080/");
    Ok(())
}

pub async fn seed(config: &Config, options: &SeedOptions, password: &str) -> anyhow::Result<Seeded> {
    let (identity, identity_db) = crate::admin::open_identity(config).await?;
    let seed_address = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let mut sellers = Vec::new();
    for shop in SHOPS {
        let email = format!("{}@example.com", shop.login);
        let registration =
            Registration { email: email.clone(), password: password.to_owned(), display_name: shop.owner.to_owned() };
        let user = match identity.register(registration, seed_address).await {
            Ok(user) => user,
            Err(IdentityError::EmailTaken) => anyhow::bail!("this data directory is seeded already ({email} exists)"),
            Err(err) => return Err(anyhow!("cannot register {email}: {}", err.explain())),
        };
        let application =
            identity.apply(user.id, shop.shop, shop.pitch).await.map_err(|e| anyhow!("{}", e.explain()))?;
        identity.approve_as_operator(application.id).await.map_err(|e| anyhow!("{}", e.explain()))?;
        sellers.push((user.id, email, shop));
    }
    let mut buyers = Vec::new();
    for (login, name) in [("ada", "Ada Lovelace"), ("grace", "Grace Hopper")] {
        let email = format!("{login}@example.com");
        let registration =
            Registration { email: email.clone(), password: password.to_owned(), display_name: name.to_owned() };
        identity.register(registration, seed_address).await.map_err(|e| anyhow!("{}", e.explain()))?;
        buyers.push(email);
    }
    identity_db.close().await;

    let (catalog, catalog_db) = open_catalog(config).await?;
    let mut leaves: HashMap<&str, Uuid> = HashMap::new();
    let mut categories = 0;
    for (top, subs) in TREE {
        let parent = catalog.create_category_unchecked(&category(top, None)).await.map_err(explain)?;
        categories += 1;
        for sub in *subs {
            let child = catalog.create_category_unchecked(&category(sub, Some(parent.id))).await.map_err(explain)?;
            leaves.insert(sub, child.id);
            categories += 1;
        }
    }

    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mut pictures: HashMap<(usize, u64), Bytes> = HashMap::new();
    let admin = operator(Uuid::nil(), Role::Admin);
    let slots: Vec<(Uuid, usize)> = sellers
        .iter()
        .flat_map(|(id, _, shop)| {
            shop.sells.iter().filter_map(|c| KINDS.iter().position(|k| k.category == *c)).map(move |k| (*id, k))
        })
        .collect();
    let mut used: HashMap<String, usize> = HashMap::new();
    for n in 0..options.products {
        let (seller_id, kind_index) = slots[n % slots.len()];
        let kind = &KINDS[kind_index];
        let name = kind.names[rng.usize(..kind.names.len())];
        let variant = kind.variants[rng.usize(..kind.variants.len())];
        let mut title = format!("{name} — {variant}");
        let count = used.entry(title.clone()).or_default();
        *count += 1;
        if *count > 1 {
            title = format!("{title} (edition {count})");
        }
        let input = product(&mut rng, kind, &title, leaves[kind.category]);
        let seller = operator(seller_id, Role::Seller);
        let view = catalog.create_product(&seller, &input).await.map_err(explain)?;
        let variant_seed = rng.u64(..6);
        let picture = pictures
            .entry((kind_index, variant_seed))
            .or_insert_with(|| {
                Bytes::from(demo_image(options.seed ^ (kind_index as u64 * 31 + variant_seed), kind.shape, 480))
            })
            .clone();
        catalog.add_image(&seller, view.id, picture).await.map_err(explain)?;
        if n % 29 == 3 {
            catalog.feature(&admin, view.id, true).await.map_err(explain)?;
        }
    }
    catalog_db.close().await;
    Ok(Seeded {
        sellers: sellers.into_iter().map(|(_, email, _)| email).collect(),
        buyers,
        password: password.to_owned(),
        categories,
        products: options.products,
    })
}

async fn open_catalog(config: &Config) -> anyhow::Result<(Catalog, agora_db::Db)> {
    let service = CatalogService;
    let db = storage::open(config, &service).await?.context("catalog has no database")?;
    storage::migrate(&db, &service).await?;
    let settings: CatalogSettings = match config.settings.get(service.name()) {
        Some(section) => serde_json::from_value(section.clone()).context("configuration key settings.catalog")?,
        None => CatalogSettings::default(),
    };
    let media = MediaStore::new(&settings.media, &config.data_dir).context("product pictures")?;
    let catalog = Catalog::new(db.clone(), Outbox::new(service.name()), settings, media).map_err(explain)?;
    Ok((catalog, db))
}

/// The operator acting through a use case as a seller or an admin (no token: this is the command line).
fn operator(user_id: Uuid, role: Role) -> Caller {
    Caller { user_id, roles: vec![role], session_id: Uuid::nil(), expires_at: i64::MAX }
}

fn category(name: &str, parent_id: Option<Uuid>) -> agora_catalog::app::CategoryInput {
    agora_catalog::app::CategoryInput { name: name.to_owned(), parent_id }
}

fn product(rng: &mut fastrand::Rng, kind: &data::Kind, title: &str, category_id: Uuid) -> ProductInput {
    let (low, high) = kind.price;
    // Shop prices end in .50 or .90.
    let price = (rng.i64(low..=high) / 100) * 100 + if rng.bool() { 90 } else { 50 };
    let stock = match rng.u8(..100) {
        0..15 => 0,
        15..30 => rng.i64(1..=3),
        _ => rng.i64(5..=80),
    };
    let (attribute, values) = kind.attribute;
    ProductInput {
        title: title.to_owned(),
        description: format!("{} {}\n\nShips within two working days.", title, kind.blurb),
        price: PriceInput { amount_minor: price, currency: "EUR".to_owned() },
        category_id,
        attributes: vec![Attribute { name: attribute.to_owned(), value: values[rng.usize(..values.len())].to_owned() }],
        stock,
        expected_available: None,
        low_stock_threshold: None,
    }
}

fn random_password() -> anyhow::Result<String> {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness: {e}"))?;
    Ok(bytes.iter().map(|b| LETTERS[usize::from(*b) % LETTERS.len()] as char).collect())
}

fn explain(err: CatalogError) -> anyhow::Error {
    anyhow!("cannot seed the catalog: {}", err.explain())
}
