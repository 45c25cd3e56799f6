//! A platform with identity, catalog and the storefront, an admin from the first-start bootstrap, and a
//! cookie-keeping client that reads CSRF tokens from pages like a browser would; plus the steps many tests
//! share: approving a seller, making categories, listing products through the storefront's forms.

use std::time::{Duration, Instant};

use agora_testkit::TestApp;
use serde_json::Value;
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "root of all trust 7";
/// The password of every seller [`seller`] makes.
pub const SELLER_PASSWORD: &str = "a long enough password 1";

pub async fn start() -> TestApp {
    start_with(&[]).await
}

pub async fn start_with(settings: &[(&'static str, &str)]) -> TestApp {
    let mut builder = TestApp::builder()
        .services("identity,catalog,storefront")
        .set("settings.identity.bootstrap_admin_email", ADMIN_EMAIL)
        .set("settings.identity.bootstrap_admin_password", ADMIN_PASSWORD);
    for (key, value) in settings {
        builder = builder.set(key, *value);
    }
    builder.start().await.expect("the embedded backends are always available")
}

/// A visitor: a client with its own cookie jar that does not follow redirects.
pub struct Visitor {
    pub client: reqwest::Client,
    base: String,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Visitor {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Visitor { client, base: app.base_url.clone() }
    }

    /// The app's address, for requests the helpers do not make.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// Posts a form with the CSRF token of the page at `form_page`.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = csrf_of(&self.page(form_page).await);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("_csrf", &csrf));
        self.post(action, &form).await
    }

    /// Posts a `multipart/form-data` form with a file field `image`, and the CSRF token of `form_page`.
    pub async fn upload(&self, form_page: &str, action: &str, file_name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let csrf = csrf_of(&self.page(form_page).await);
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .part("image", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
        self.client.post(format!("{}{action}", self.base)).multipart(form).send().await.unwrap()
    }

    pub async fn post(&self, action: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(format!("{}{action}", self.base)).form(form).send().await.unwrap()
    }

    pub async fn register(&self, name: &str, email: &str, password: &str) {
        let response = self
            .submit("/register", "/register", &[("display_name", name), ("email", email), ("password", password)])
            .await;
        assert_eq!(response.status(), 303, "registration failed: {}", response.text().await.unwrap());
    }

    pub async fn sign_in(&self, email: &str, password: &str) {
        let response = self.submit("/sign-in", "/sign-in", &[("email", email), ("password", password)]).await;
        assert_eq!(response.status(), 303, "sign-in failed: {}", response.text().await.unwrap());
    }
}

/// Registers a buyer who applies for a shop, approved by the bootstrap admin; signed in as a seller.
pub async fn seller(app: &TestApp, name: &str, email: &str, shop: &str) -> Visitor {
    let seller = Visitor::new(app);
    seller.register(name, email, SELLER_PASSWORD).await;
    let description = "Things made by hand in a small workshop.";
    let applied = seller.submit("/sell", "/sell", &[("shop_name", shop), ("description", description)]).await;
    assert_eq!(applied.status(), 303, "applying failed");
    let admin = Visitor::new(app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let queue = admin.page("/admin/applications").await;
    let button = queue.find(&format!("Approve {shop}</button>")).expect("the application is listed");
    let form = queue[..button].rfind("action=\"").unwrap() + "action=\"".len();
    let action = queue[form..].split('"').next().unwrap().to_owned();
    assert_eq!(admin.submit("/admin/applications", &action, &[]).await.status(), 303);
    seller
}

/// A signed-in admin.
pub async fn admin(app: &TestApp) -> Visitor {
    let admin = Visitor::new(app);
    admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    admin
}

/// Creates a category through the admin page; its id and slug.
pub async fn category(app: &TestApp, admin: &Visitor, name: &str, parent: Option<Uuid>) -> (Uuid, String) {
    let parent = parent.map(|p| p.to_string()).unwrap_or_default();
    let created =
        admin.submit("/admin/categories", "/admin/categories", &[("name", name), ("parent_id", &parent)]).await;
    assert_eq!(created.status(), 303, "creating {name}: {}", created.text().await.unwrap());
    let tree: Value = app.client.get(app.url("/api/catalog/categories")).send().await.unwrap().json().await.unwrap();
    let found = find_category(&tree, name).unwrap_or_else(|| panic!("{name} is not in {tree}"));
    (found["id"].as_str().unwrap().parse().unwrap(), found["slug"].as_str().unwrap().to_owned())
}

fn find_category<'a>(nodes: &'a Value, name: &str) -> Option<&'a Value> {
    nodes
        .as_array()?
        .iter()
        .find_map(|node| if node["name"] == name { Some(node) } else { find_category(&node["children"], name) })
}

/// Lists a product through the seller's form; its id.
pub async fn list_product(seller: &Visitor, fields: &[(&str, &str)]) -> Uuid {
    let response = seller.submit("/sell/products/new", "/sell/products", fields).await;
    assert_eq!(response.status(), 303, "listing failed: {}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/sell/products/").trim_end_matches("/edit");
    id.parse().unwrap_or_else(|_| panic!("unexpected redirect {location}"))
}

/// The product as catalog's API shows it to everyone (`None` when it does not).
pub async fn public_product(app: &TestApp, id: Uuid) -> Option<Value> {
    let response = app.client.get(app.url(&format!("/api/catalog/products/{id}"))).send().await.unwrap();
    if response.status() == 404 { None } else { Some(response.json().await.unwrap()) }
}

/// Waits until catalog has heard of the product's shop name (it arrives by event).
pub async fn wait_for_shop_name(app: &TestApp, product: Uuid, shop: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = public_product(app, product).await.map(|p| p["seller"]["shop_name"].clone());
        if seen.as_ref().and_then(Value::as_str) == Some(shop) {
            return;
        }
        assert!(Instant::now() < deadline, "catalog never learned the shop name {shop:?} (saw {seen:?})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A small PNG picture.
pub fn picture(seed: u64) -> Vec<u8> {
    agora_media::demo_image(seed, agora_media::DemoShape::Round, 64)
}

/// A PNG of `side`×`side` pixels of noise: it does not compress, so it is about 3 bytes a pixel.
pub fn noisy_picture(side: u32) -> Vec<u8> {
    let mut state: u32 = 0x9e37_79b9;
    let noise = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    noise.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("the page has a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}
