//! A platform with identity and the storefront, an admin from the first-start bootstrap, and a cookie-keeping
//! client that reads CSRF tokens from pages like a browser would.

use agora_testkit::TestApp;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "root of all trust 7";

pub async fn start() -> TestApp {
    start_with(&[]).await
}

pub async fn start_with(settings: &[(&'static str, &str)]) -> TestApp {
    let mut builder = TestApp::builder()
        .services("identity,storefront")
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

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("the page has a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}
