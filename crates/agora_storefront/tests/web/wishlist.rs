//! The wishlist over plain HTTP: saving from a product page and from a result card, the wishlist page with
//! prices then and now, removing, saving twice, refusals told readably, visitors sent to sign in, titles
//! escaped, and the page while catalog or wishlist itself does not answer.

use agora_testkit::TestApp;
use reqwest::Method;
use uuid::Uuid;

use crate::market::{Market, eventually};
use crate::support::{Visitor, admin, category, list_product, seller, start};

/// Every service a market has, and wishlist.
const WITH_WISHLIST: &str = "identity,catalog,cart,order,payment,wishlist,storefront";

/// A market with wishlist, and these settings besides the usual ones.
async fn market_with(settings: &[(&'static str, &str)]) -> Market {
    Market::start_services(WITH_WISHLIST, settings).await
}

/// A product of Ken's Kettle Corner once wishlist has heard of it (it learns products by event).
async fn saveable(market: &Market, ken: &agora_testkit::api::Session, title: &str, price: i64) -> Uuid {
    let id = market.product(ken, "Kettle Corner", title, price, 10).await;
    let path = format!("/api/wishlist/items/{id}");
    eventually("wishlist to hear of the product", || async {
        let saved = market.app.request(Method::PUT, &path).bearer(&market.admin.access).send().await;
        saved.status == 200 || saved.status == 201
    })
    .await;
    market.app.request(Method::DELETE, &path).bearer(&market.admin.access).send().await.ok(204);
    id
}

impl Visitor {
    /// Saves with the product page's form; answers the redirect.
    async fn save(&self, product: Uuid) -> reqwest::Response {
        let page = format!("/p/{product}");
        self.submit(&page, "/wishlist/items", &[("product_id", &product.to_string()), ("back", &page)]).await
    }
}

/// Whether the page has a Save form for the product.
fn save_form_for(page: &str, product: Uuid) -> bool {
    let field = format!("name=\"product_id\" value=\"{product}\"");
    page.split("action=\"/wishlist/items\"")
        .skip(1)
        .any(|form| form.split("</form>").next().is_some_and(|f| f.contains(&field)))
}

/// A directory that outlives one app (the next one reopens its data), removed at the end of the test.
struct DataDir(std::path::PathBuf);

impl DataDir {
    fn new() -> DataDir {
        let path = std::env::temp_dir().join(format!("agora-storefront-wishlist-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).unwrap();
        DataDir(path)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How many times the wishlist page links to the product by its title.
fn listed(page: &str, product: Uuid) -> usize {
    page.matches(&format!("<h2 class=\"cart-line-title\"><a href=\"/p/{product}\">")).count()
}

#[tokio::test]
async fn a_buyer_saves_from_a_product_page_and_a_result_card_and_removes_from_the_wishlist() {
    let market = market_with(&[]).await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = saveable(&market, &ken, "Sencha leaves", 850).await;
    let cup = saveable(&market, &ken, "Tasting cup", 300).await;
    let buyer = market.buyer("ada@example.com").await;

    let empty = buyer.page("/wishlist").await;
    assert!(empty.contains("Your wishlist is empty") && empty.contains("aria-current=\"page\">Wishlist</a>"));
    let product = buyer.page(&format!("/p/{sencha}")).await;
    assert!(save_form_for(&product, sencha), "a Save form: {product}");

    let saved = buyer.save(sencha).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], format!("/p/{sencha}").as_str(), "back to the product (PRG)");
    let product = buyer.page(&format!("/p/{sencha}")).await;
    assert!(product.contains("“Sencha leaves” is in your wishlist."), "{product}");
    assert!(product.contains(&format!("action=\"/wishlist/items/{sencha}/remove\"")), "now a remove form");
    assert!(product.contains("In your wishlist"));
    assert_eq!(buyer.save(sencha).await.status(), 303, "saving twice is fine");

    let results = buyer.page("/search").await;
    assert!(results.contains(&format!("action=\"/wishlist/items/{sencha}/remove\"")), "its card knows: {results}");
    assert!(save_form_for(&results, cup) && !save_form_for(&results, sencha), "one form or the other");
    let card = [("product_id", cup.to_string()), ("back", "/search".to_owned())];
    let card: Vec<(&str, &str)> = card.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let from_card = buyer.submit("/search", "/wishlist/items", &card).await;
    assert_eq!(from_card.headers()["location"], "/search");
    assert!(buyer.page("/search").await.contains(&format!("action=\"/wishlist/items/{cup}/remove\"")));

    let wishlist = buyer.page("/wishlist").await;
    assert_eq!((listed(&wishlist, sencha), listed(&wishlist, cup)), (1, 1), "each once: {wishlist}");
    for expected in ["Sencha leaves", "8.50 EUR", "Tasting cup", "3.00 EUR", "Add to cart", "Saved "] {
        assert!(wishlist.contains(expected), "the wishlist shows {expected:?}: {wishlist}");
    }
    assert!(!wishlist.contains("when you saved it"), "no price changed");

    let removed =
        buyer.submit("/wishlist", &format!("/wishlist/items/{sencha}/remove"), &[("back", "/wishlist")]).await;
    assert_eq!(removed.headers()["location"], "/wishlist");
    let wishlist = buyer.page("/wishlist").await;
    assert!(wishlist.contains("Removed from your wishlist."), "{wishlist}");
    assert_eq!((listed(&wishlist, sencha), listed(&wishlist, cup)), (0, 1));

    let added =
        buyer.submit("/wishlist", "/cart/items", &[("product_id", &cup.to_string()), ("back", "/wishlist")]).await;
    assert_eq!(added.headers()["location"], "/wishlist");
    assert!(buyer.page("/wishlist").await.contains("Cart (1)"), "added to the cart from the wishlist");
}

#[tokio::test]
async fn a_cheaper_price_is_flagged_and_refusals_are_told_and_titles_escaped() {
    let market = market_with(&[("settings.wishlist.max_items", "1")]).await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let title = "<script>alert('tea')</script> Sencha";
    let sencha = saveable(&market, &ken, title, 850).await;
    let cup = saveable(&market, &ken, "Tasting cup", 300).await;
    let buyer = market.buyer("ada@example.com").await;
    buyer.save(sencha).await;

    market.reprice(&ken, sencha, 700).await;
    let wishlist = buyer.page("/wishlist").await;
    assert!(wishlist.contains("7.00 EUR") && wishlist.contains("Was 8.50 EUR when you saved it."), "{wishlist}");
    assert!(wishlist.contains("Price dropped"));
    assert!(!wishlist.contains("<script>alert") && wishlist.contains("&#60;script&#62;alert("), "escaped");

    buyer.save(cup).await;
    let full = buyer.page(&format!("/p/{cup}")).await;
    assert!(full.contains("flash-error") && full.contains("Your wishlist is full."), "{full}");
    let unknown = Uuid::now_v7().to_string();
    let refused =
        buyer.submit("/wishlist", "/wishlist/items", &[("product_id", &unknown), ("back", "/wishlist")]).await;
    assert_eq!(refused.headers()["location"], "/wishlist");
    assert!(buyer.page("/wishlist").await.contains("This product is not for sale any more, so it cannot be saved."));
}

#[tokio::test]
async fn a_visitor_is_sent_to_sign_in_to_save_and_comes_back() {
    let market = market_with(&[]).await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = saveable(&market, &ken, "Sencha leaves", 850).await;
    market.app.register("ada@example.com").await;
    let visitor = Visitor::new(&market.app);

    let product = visitor.page(&format!("/p/{sencha}")).await;
    let link = format!("href=\"/sign-in?next=%2Fp%2F{sencha}\">Save");
    assert!(product.contains(&link) && !product.contains("action=\"/wishlist/items\""), "{product}");
    let results = visitor.page("/search?q=sencha").await;
    assert!(results.contains("href=\"/sign-in?next=%2Fsearch%3Fq%3Dsencha\">Save"), "{results}");
    assert!(!results.contains(">Wishlist</a>"), "no header link for visitors");
    assert_eq!(visitor.get("/wishlist").await.headers()["location"], "/sign-in?next=/wishlist");

    let sign_in = visitor.page(&format!("/sign-in?next=%2Fp%2F{sencha}")).await;
    let csrf = crate::support::csrf_of(&sign_in);
    let next = format!("/p/{sencha}");
    let fields =
        [("email", "ada@example.com"), ("password", agora_testkit::api::PASSWORD), ("next", &next), ("_csrf", &csrf)];
    let signed_in = visitor.post("/sign-in", &fields).await;
    assert_eq!(signed_in.headers()["location"], next.as_str(), "back to the product");
    assert!(visitor.page(&next).await.contains("action=\"/wishlist/items\""));
}

#[tokio::test]
async fn while_catalog_is_down_the_wishlist_shows_what_was_saved_with_a_notice() {
    // The same data directory and topic prefix twice: first with catalog, then without it.
    let dir = DataDir::new();
    let data_dir = dir.0.display().to_string();
    let prefix = agora_testkit::unique_prefix();
    let market = market_with(&[("data_dir", &data_dir), ("bus.topic_prefix", &prefix)]).await;
    let ken = market.seller("ken@example.com", "Kettle Corner").await;
    let sencha = saveable(&market, &ken, "Sencha <b>leaves</b>", 850).await;
    let buyer = market.buyer("ada@example.com").await;
    assert_eq!(buyer.save(sencha).await.status(), 303);
    assert_eq!(listed(&buyer.page("/wishlist").await, sencha), 1);
    let Market { app, .. } = market;
    app.stop().await;

    let app = TestApp::builder()
        .services("identity,wishlist,storefront")
        .set("data_dir", data_dir)
        .set("bus.topic_prefix", prefix)
        .set("urls.catalog", "http://127.0.0.1:9/api/catalog")
        .set("settings.wishlist.catalog_timeout_ms", "500")
        .start()
        .await
        .unwrap();
    let buyer = Visitor::new(&app);
    buyer.sign_in("ada@example.com", agora_testkit::api::PASSWORD).await;
    let response = buyer.get("/wishlist").await;
    assert_eq!(response.status(), 200, "not an error page");
    let wishlist = response.text().await.unwrap();
    assert!(wishlist.contains("Current prices and availability cannot be shown right now"), "{wishlist}");
    assert_eq!(listed(&wishlist, sencha), 1, "what was saved is shown");
    assert!(wishlist.contains("8.50 EUR when you saved it") && wishlist.contains("Sencha &#60;b&#62;leaves"));
    assert!(!wishlist.contains("action=\"/cart/items\""), "nothing to buy while it cannot be checked");
    assert!(wishlist.contains(&format!("action=\"/wishlist/items/{sencha}/remove\"")), "it can still be removed");
    app.stop().await;
}

#[tokio::test]
async fn without_wishlist_results_still_show_and_the_wishlist_page_says_it_is_unavailable() {
    // A storefront with no wishlist to ask.
    let app = start().await;
    let admin = admin(&app).await;
    let (tea, _) = category(&app, &admin, "Tea", None).await;
    let ken = seller(&app, "Ken Kettle", "ken@example.com", "Kettle Corner").await;
    let tea = tea.to_string();
    let fields = [
        ("title", "Sencha leaves"),
        ("description", "Made by hand."),
        ("price", "8.50"),
        ("category_id", &tea),
        ("stock", "3"),
    ];
    let sencha = list_product(&ken, &fields).await;
    let visitor = Visitor::new(&app);
    visitor.register("Ada", "ada@example.com", "analytical engine 1843").await;
    let search = visitor.get("/search").await;
    assert_eq!(search.status(), 200);
    assert!(save_form_for(&search.text().await.unwrap(), sencha), "Save buttons, without knowing what was saved");
    let wishlist = visitor.get("/wishlist").await;
    assert_eq!(wishlist.status(), 503);
    assert!(wishlist.text().await.unwrap().contains("Your wishlist cannot be shown right now."));
    let id = Uuid::now_v7().to_string();
    let saved = visitor.submit("/search", "/wishlist/items", &[("product_id", &id), ("back", "/search")]).await;
    assert_eq!(saved.headers()["location"], "/search");
    assert!(visitor.page("/search").await.contains("Your wishlist cannot be changed right now."));
}
