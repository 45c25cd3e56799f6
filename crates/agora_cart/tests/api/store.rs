//! The cart store's contract, one suite run on every backend: the SQL store on SQLite and PostgreSQL, and the
//! Redis store. Each check uses carts of its own, so the checks share one store.

use std::sync::Arc;
use std::time::Duration;

use agora_cart::domain::{Cart, CartError, CartKey, CartOwner, GuestToken, LineDetails, Quantity};
use agora_cart::store::{
    CartStore, ChangeMode, Changed, Lifetimes, LineChange, MergeLimits, RedisCartStore, Repriced, SqlCartStore,
};
use agora_core::{Currency, Money, Timestamp};
use agora_db::{Db, PoolSettings};
use uuid::Uuid;

use crate::harness::{forget_redis_keys, redis_url};

const LONG: Lifetimes = Lifetimes { buyer: Duration::from_secs(3600), guest: Duration::from_secs(3600) };
/// Long enough that a change on a loaded machine lands well inside it (400 ms once expired a cart between two
/// changes 200 ms apart in CI).
const SHORT: Lifetimes = Lifetimes { buyer: Duration::from_millis(1500), guest: Duration::from_millis(1500) };

fn eur(amount_minor: i64) -> Money {
    Money { amount_minor, currency: Currency::parse("EUR").unwrap() }
}

fn details(title: &str, price: i64) -> LineDetails {
    LineDetails {
        title: title.to_owned(),
        seller_id: Uuid::now_v7(),
        shop_name: "Alice's Teas".to_owned(),
        added_price: eur(price),
        added_at: Timestamp::now(),
    }
}

fn change(product: Uuid, quantity: u32, mode: ChangeMode) -> LineChange {
    LineChange {
        product_id: product,
        quantity: Quantity::try_new(quantity.into(), 99).unwrap(),
        mode,
        details: details("Green tea", 1250),
        limit: 99,
        max_lines: 50,
    }
}

fn buyer() -> CartKey {
    CartKey::buyer(Uuid::now_v7())
}

fn guest() -> CartKey {
    CartOwner::Guest(GuestToken::mint().unwrap()).key()
}

async fn add(store: &dyn CartStore, key: &CartKey, product: Uuid, quantity: u32) -> Cart {
    match store.change(key, &change(product, quantity, ChangeMode::Add)).await.unwrap() {
        Changed::Done(cart) => cart,
        other => panic!("not added: {other:?}"),
    }
}

fn quantities(cart: &Cart) -> Vec<(Uuid, u32)> {
    cart.lines.iter().map(|l| (l.product_id, l.quantity.get())).collect()
}

/// Every check of the contract, on `store` (long-lived carts) and `short` (carts that expire at once), with
/// `db` giving the consumer's transaction.
async fn conformance(store: &dyn CartStore, short: &dyn CartStore, db: &Db) {
    carts_exist_for_buyers_at_once_and_for_visitors_once_created(store).await;
    adding_accumulates_and_setting_replaces(store).await;
    limits_refuse_a_change_without_changing_anything(store).await;
    removing_clearing_and_repricing(store).await;
    merging_adds_up_caps_and_deletes_the_visitors_cart(store).await;
    bought_lines_leave_in_the_consumers_transaction(store, db).await;
    concurrent_changes_all_count_and_limits_hold(store).await;
    idle_carts_expire_and_changes_renew_them(short).await;
}

async fn carts_exist_for_buyers_at_once_and_for_visitors_once_created(store: &dyn CartStore) {
    assert_eq!(store.get(&buyer()).await.unwrap(), Cart::default());
    assert_eq!(store.remove(&buyer(), &[Uuid::now_v7()]).await.unwrap(), Cart::default());

    let visitor = guest();
    let product = Uuid::now_v7();
    assert!(matches!(store.get(&visitor).await, Err(CartError::CartNotFound)));
    let added = store.change(&visitor, &change(product, 1, ChangeMode::Add)).await;
    assert!(matches!(added, Err(CartError::CartNotFound)), "a visitor's cart is never made by a change");
    assert!(matches!(store.remove(&visitor, &[product]).await, Err(CartError::CartNotFound)));
    assert!(matches!(store.clear(&visitor).await, Err(CartError::CartNotFound)));
    assert!(matches!(store.reprice(&visitor, &[]).await, Err(CartError::CartNotFound)));

    store.create(&visitor).await.unwrap();
    assert_eq!(store.get(&visitor).await.unwrap(), Cart::default());
    assert_eq!(quantities(&add(store, &visitor, product, 2).await), [(product, 2)]);
}

async fn adding_accumulates_and_setting_replaces(store: &dyn CartStore) {
    let key = buyer();
    let (tea, cup) = (Uuid::now_v7(), Uuid::now_v7());
    let first = add(store, &key, tea, 2).await;
    let saved = first.lines[0].details.clone();
    add(store, &key, cup, 1).await;
    let mut again = change(tea, 3, ChangeMode::Add);
    again.details = details("Renamed tea", 1);
    let Changed::Done(cart) = store.change(&key, &again).await.unwrap() else { panic!("not added") };
    assert_eq!(quantities(&cart), [(tea, 5), (cup, 1)], "oldest line first");
    assert_eq!(cart.lines[0].details, saved, "what was seen when the line was added is kept");

    let Changed::Done(cart) = store.change(&key, &change(tea, 1, ChangeMode::Set)).await.unwrap() else {
        panic!("not set")
    };
    assert_eq!(quantities(&cart), [(tea, 1), (cup, 1)]);
    assert_eq!(store.get(&key).await.unwrap(), cart);
}

async fn limits_refuse_a_change_without_changing_anything(store: &dyn CartStore) {
    let key = buyer();
    let tea = Uuid::now_v7();
    add(store, &key, tea, 4).await;
    let mut over = change(tea, 3, ChangeMode::Add);
    over.limit = 6;
    assert_eq!(store.change(&key, &over).await.unwrap(), Changed::OverLimit { in_cart: 4 });
    over.mode = ChangeMode::Set;
    over.quantity = Quantity::try_new(7, 99).unwrap();
    assert_eq!(store.change(&key, &over).await.unwrap(), Changed::OverLimit { in_cart: 4 });
    let mut new_line = change(Uuid::now_v7(), 5, ChangeMode::Add);
    new_line.limit = 4;
    assert_eq!(store.change(&key, &new_line).await.unwrap(), Changed::OverLimit { in_cart: 0 });
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(tea, 4)]);

    let second = Uuid::now_v7();
    add(store, &key, second, 1).await;
    let mut third = change(Uuid::now_v7(), 1, ChangeMode::Add);
    third.max_lines = 2;
    assert!(matches!(store.change(&key, &third).await, Err(CartError::CartFull(2))));
    let mut existing = change(second, 1, ChangeMode::Add);
    existing.max_lines = 2;
    assert!(matches!(store.change(&key, &existing).await, Ok(Changed::Done(_))), "a full cart's lines still change");
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(tea, 4), (second, 2)]);
}

async fn removing_clearing_and_repricing(store: &dyn CartStore) {
    let key = buyer();
    let (tea, cup, pot) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for product in [tea, cup, pot] {
        add(store, &key, product, 1).await;
    }
    let cart = store.remove(&key, &[cup, Uuid::now_v7()]).await.unwrap();
    assert_eq!(quantities(&cart), [(tea, 1), (pot, 1)]);

    let repriced = [
        Repriced { product_id: tea, price: eur(990), title: "Green tea, new crop".to_owned() },
        Repriced { product_id: cup, price: eur(1), title: "Gone".to_owned() },
    ];
    let cart = store.reprice(&key, &repriced).await.unwrap();
    assert_eq!(quantities(&cart), [(tea, 1), (pot, 1)], "a removed line does not come back");
    assert_eq!(
        (cart.lines[0].details.added_price, cart.lines[0].details.title.as_str()),
        (eur(990), "Green tea, new crop")
    );
    assert_eq!(cart.lines[1].details.added_price, eur(1250));

    assert_eq!(store.clear(&key).await.unwrap(), Cart::default());
    assert_eq!(store.get(&key).await.unwrap(), Cart::default());
    let visitor = guest();
    store.create(&visitor).await.unwrap();
    add(store, &visitor, tea, 1).await;
    assert_eq!(store.clear(&visitor).await.unwrap(), Cart::default());
    assert_eq!(store.get(&visitor).await.unwrap(), Cart::default(), "an emptied visitor's cart stays");
}

async fn merging_adds_up_caps_and_deletes_the_visitors_cart(store: &dyn CartStore) {
    let (visitor, into) = (guest(), buyer());
    let (tea, cup, pot, pan) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    store.create(&visitor).await.unwrap();
    for (product, quantity) in [(tea, 2), (cup, 60), (pot, 1), (pan, 1)] {
        add(store, &visitor, product, quantity).await;
    }
    add(store, &into, tea, 3).await;
    add(store, &into, cup, 50).await;
    let limits = MergeLimits { max_quantity: 99, max_lines: 3 };
    let merged = store.merge(&visitor, &into, limits).await.unwrap();
    let units = |product| merged.line(product).map(|l| l.quantity.get());
    assert_eq!((units(tea), units(cup)), (Some(5), Some(99)), "quantities add up to the most a line holds");
    assert_eq!(merged.lines.len(), 3, "lines past the cap are left out");
    assert!(units(pot).is_some() || units(pan).is_some());
    assert!(matches!(store.get(&visitor).await, Err(CartError::CartNotFound)));

    let again = store.merge(&visitor, &into, limits).await.unwrap();
    assert_eq!(again, merged, "merging a merged cart changes nothing");
    let fresh = buyer();
    assert_eq!(store.merge(&guest(), &fresh, limits).await.unwrap(), Cart::default());
}

async fn bought_lines_leave_in_the_consumers_transaction(store: &dyn CartStore, db: &Db) {
    let key = buyer();
    let (tea, cup) = (Uuid::now_v7(), Uuid::now_v7());
    add(store, &key, tea, 3).await;
    add(store, &key, cup, 1).await;
    let mut tx = db.begin().await.unwrap();
    store.remove_bought(&mut tx, &key, &[tea]).await.unwrap();
    store.remove_bought(&mut tx, &buyer(), &[tea]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(cup, 1)]);
    let mut tx = db.begin().await.unwrap();
    store.remove_bought(&mut tx, &key, &[tea]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(cup, 1)], "a second delivery changes nothing");
}

async fn concurrent_changes_all_count_and_limits_hold(store: &dyn CartStore) {
    let key = buyer();
    let tea = Uuid::now_v7();
    let one = change(tea, 1, ChangeMode::Add);
    let results = futures::future::join_all((0..20).map(|_| store.change(&key, &one))).await;
    assert!(results.iter().all(|r| matches!(r, Ok(Changed::Done(_)))));
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(tea, 20)]);

    let cup = Uuid::now_v7();
    let mut capped = change(cup, 1, ChangeMode::Add);
    capped.limit = 7;
    let results = futures::future::join_all((0..12).map(|_| store.change(&key, &capped))).await;
    let done = results.iter().filter(|r| matches!(r, Ok(Changed::Done(_)))).count();
    assert_eq!(done, 7, "{results:?}");
    assert_eq!(store.get(&key).await.unwrap().line(cup).map(|l| l.quantity.get()), Some(7));

    let other = buyer();
    let lines = (0..10).map(|_| {
        let mut line = change(Uuid::now_v7(), 1, ChangeMode::Add);
        line.max_lines = 4;
        line
    });
    let lines: Vec<LineChange> = lines.collect();
    let results = futures::future::join_all(lines.iter().map(|line| store.change(&other, line))).await;
    assert_eq!(results.iter().filter(|r| matches!(r, Err(CartError::CartFull(4)))).count(), 6);
    assert_eq!(store.get(&other).await.unwrap().lines.len(), 4);
}

async fn idle_carts_expire_and_changes_renew_them(store: &dyn CartStore) {
    let (visitor, key) = (guest(), buyer());
    let (tea, cup) = (Uuid::now_v7(), Uuid::now_v7());
    store.create(&visitor).await.unwrap();
    add(store, &key, tea, 1).await;
    // Four changes 500 ms apart: the cart outlives its 1.5 s lifetime only because each renews it.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        add(store, &key, tea, 1).await;
    }
    assert_eq!(quantities(&store.get(&key).await.unwrap()), [(tea, 5)], "each change renews the cart");
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert!(matches!(store.get(&visitor).await, Err(CartError::CartNotFound)));
    assert_eq!(store.get(&key).await.unwrap(), Cart::default());
    assert_eq!(quantities(&add(store, &key, cup, 1).await), [(cup, 1)], "an expired cart's lines never return");
    store.purge_expired().await.unwrap();
}

async fn sqlite(dir: &std::path::Path, name: &str) -> Db {
    let url = format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display());
    migrated(&url).await
}

async fn migrated(url: &str) -> Db {
    let db = Db::connect(url, &PoolSettings::default()).await.unwrap();
    agora_bus::MIGRATIONS.apply(&db).await.unwrap();
    agora_cart::MIGRATIONS.apply(&db).await.unwrap();
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_store_on_sqlite_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "cart").await;
    let store = SqlCartStore::new(db.clone(), LONG);
    let short = SqlCartStore::new(db.clone(), SHORT);
    conformance(&store, &short, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_store_on_postgres_keeps_the_contract() {
    if agora_testkit::require("AGORA_TEST_DATABASE_URL").is_none() {
        return;
    }
    let db = migrated(&agora_testkit::fresh_postgres_url().await.unwrap()).await;
    let store = SqlCartStore::new(db.clone(), LONG);
    let short = SqlCartStore::new(db.clone(), SHORT);
    conformance(&store, &short, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_store_keeps_the_contract() {
    let Some(url) = redis_url() else { return };
    let prefix = agora_testkit::unique_prefix();
    let store: Arc<dyn CartStore> = Arc::new(RedisCartStore::connect(&url, &prefix, LONG).await.unwrap());
    let short = RedisCartStore::connect(&url, &prefix, SHORT).await.unwrap();
    // Redis keeps carts itself; the database only provides the consumer's transaction.
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "inbox").await;
    conformance(store.as_ref(), &short, &db).await;
    forget_redis_keys(&prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_fails_to_open_rather_than_later() {
    let started = std::time::Instant::now();
    let opened = RedisCartStore::connect("redis://127.0.0.1:9", "t.", LONG).await;
    assert!(matches!(opened, Err(CartError::StoreUnavailable(_))), "{:?}", opened.err());
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// A TCP proxy to `upstream` that the test can cut: every connection through it closes at once.
struct Cuttable {
    addr: std::net::SocketAddr,
    tasks: Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Cuttable {
    async fn start(upstream: String) -> Cuttable {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tasks = Arc::new(std::sync::Mutex::new(Vec::new()));
        let spawned = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    let mut server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                spawned.lock().unwrap().push(pipe);
            }
        });
        tasks.lock().unwrap().push(accept);
        Cuttable { addr, tasks }
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_is_unavailability_not_a_fault() {
    let Some(url) = redis_url() else { return };
    let upstream = url.trim_start_matches("redis://").rsplit('@').next().unwrap().split('/').next().unwrap().to_owned();
    let proxy = Cuttable::start(upstream.clone()).await;
    let through = url.replacen(&upstream, &proxy.addr.to_string(), 1);
    let prefix = agora_testkit::unique_prefix();
    let store = RedisCartStore::connect(&through, &prefix, LONG).await.unwrap();
    let key = buyer();
    add(&store, &key, Uuid::now_v7(), 1).await;
    assert!(store.ping().await.is_ok(), "readiness sees Redis");

    proxy.cut();
    let started = std::time::Instant::now();
    assert!(matches!(store.ping().await, Err(CartError::StoreUnavailable(_))), "readiness sees the outage");
    let failed = store.get(&key).await;
    assert!(matches!(failed, Err(CartError::StoreUnavailable(_))), "{failed:?}");
    let failed = store.change(&key, &change(Uuid::now_v7(), 1, ChangeMode::Add)).await;
    assert!(matches!(failed, Err(CartError::StoreUnavailable(_))), "{failed:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    forget_redis_keys(&prefix).await;
}
