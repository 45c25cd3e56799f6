//! A real headless Chromium for end-to-end tests, driven over WebDriver by fantoccini.
//!
//! [`Browser::launch`] starts a private chromedriver on a free port with a fresh profile, so tests can run in
//! parallel. Every helper waits (up to [`Browser::set_wait_timeout`], 10 s by default) instead of sleeping,
//! and a failure is a panic that says what was awaited, on which URL, and what the page showed. Dropping the
//! `Browser` ends the session and kills chromedriver, so no Chromium outlives its test, even a panicked one.
//!
//! The binaries come from Debian's `chromium` and `chromium-driver` packages (`./scripts/test` installs them);
//! `AGORA_TEST_CHROMIUM` and `AGORA_TEST_CHROMEDRIVER` point elsewhere. When they are missing a test is
//! skipped, unless `AGORA_TEST_REQUIRE_BACKENDS=1` makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ElementRef};
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const DEFAULT_WAIT: Duration = Duration::from_secs(10);
const DRIVER_START: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);
/// How WebDriver spells an element reference in JSON (the W3C "web element identifier").
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Finds the form controls whose `<label>` text, whitespace collapsed, equals `arguments[0]`.
const LABELLED_CONTROLS: &str = r"
const norm = (s) => s.replace(/\s+/g, ' ').trim();
return [...document.querySelectorAll('label')]
  .filter((l) => norm(l.textContent) === arguments[0] && l.control)
  .map((l) => l.control);";

/// Finds the buttons (`<button>`, submit and button inputs) whose visible text equals `arguments[0]`.
const BUTTONS: &str = r"
const norm = (s) => s.replace(/\s+/g, ' ').trim();
return [...document.querySelectorAll('button, input[type=submit], input[type=button]')]
  .filter((b) => norm(b.tagName === 'INPUT' ? b.value : b.innerText) === arguments[0]);";

/// One headless Chromium session for one test.
pub struct Browser {
    client: Client,
    driver: Child,
    webdriver: String,
    /// The WebDriver session id until `close` ends it.
    open_session: Option<String>,
    artifacts: PathBuf,
    screenshots: AtomicU32,
    wait: Duration,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; `None` (after saying why) when they are not installed.
    ///
    /// `test_name` names the directory for screenshots and the chromedriver log,
    /// `<target>/browser-artifacts/<test_name>/`, which is emptied at launch.
    pub async fn launch(test_name: &str) -> Option<Browser> {
        let chromium = installed("AGORA_TEST_CHROMIUM", DEFAULT_CHROMIUM)?;
        let chromedriver = installed("AGORA_TEST_CHROMEDRIVER", DEFAULT_CHROMEDRIVER)?;

        let artifacts = target_dir().join("browser-artifacts").join(test_name);
        let _ = std::fs::remove_dir_all(&artifacts);
        std::fs::create_dir_all(&artifacts)
            .unwrap_or_else(|e| panic!("cannot create the browser artifacts dir {}: {e}", artifacts.display()));
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a Chromium profile dir: {e}"));

        let port = free_port();
        let log = artifacts.join("chromedriver.log");
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_until_ready(&mut driver, &webdriver, &log).await;

        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain([format!("--user-data-dir={}", profile.path().display())]);
        let options = json!({ "binary": chromium, "args": args.collect::<Vec<_>>() });
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities([("goog:chromeOptions".to_owned(), options)].into_iter().collect())
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session ({}): {e}", log.display()));

        let open_session = client.session_creation_response().map(|r| r.session_id().to_owned());
        Some(Browser {
            client,
            driver,
            webdriver,
            open_session,
            artifacts,
            screenshots: AtomicU32::new(0),
            wait: DEFAULT_WAIT,
            _profile: profile,
        })
    }

    /// How long helpers wait for an element or text before failing the test.
    pub fn set_wait_timeout(&mut self, timeout: Duration) {
        self.wait = timeout;
    }

    /// The underlying WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            panic!("cannot open {url}: {e}");
        }
    }

    /// The path of the current URL, such as `/orders/42`.
    pub async fn current_path(&self) -> String {
        self.client.current_url().await.unwrap_or_else(|e| panic!("cannot read the current URL: {e}")).path().to_owned()
    }

    /// The HTML of the current page.
    pub async fn page_source(&self) -> String {
        self.client.source().await.unwrap_or_else(|e| panic!("cannot read the page source: {e}"))
    }

    /// Clears the field matching `css` and types `value` into it.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        self.type_into(&field, value, css).await;
    }

    /// Clears the form control whose `<label>` reads `label` and types `value` into it.
    pub async fn fill_labelled(&self, label: &str, value: &str) {
        let what = format!("field labelled {label:?}");
        let field = self.find_by_script(LABELLED_CONTROLS, label, &what).await;
        self.type_into(&field, value, &what).await;
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        if let Err(e) = element.click().await {
            self.fail(&format!("cannot click {css:?}: {e}")).await;
        }
    }

    /// Clicks the button (`<button>` or a submit input) whose visible text is `text`.
    ///
    /// When the click loads a new page, check it with [`Browser::wait_for_text`], which waits for it.
    pub async fn click_button(&self, text: &str) {
        let what = format!("button {text:?}");
        let button = self.find_by_script(BUTTONS, text, &what).await;
        if let Err(e) = button.click().await {
            self.fail(&format!("cannot click {what}: {e}")).await;
        }
    }

    /// The visible text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        match element.text().await {
            Ok(text) => text,
            Err(e) => self.fail(&format!("cannot read the text of {css:?}: {e}")).await,
        }
    }

    /// Waits until an element matching `css` shows text containing `needle`, and returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + self.wait;
        loop {
            // Elements may go stale while the page navigates; that is just "not yet".
            let mut seen = Vec::new();
            for element in self.client.find_all(Locator::Css(css)).await.unwrap_or_default() {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                    seen.push(text);
                }
            }
            if Instant::now() >= deadline {
                let what = format!("no {css:?} showed {needle:?} within {:?} (they showed {seen:?})", self.wait);
                self.fail(&what).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Makes the page's layout viewport `width` × `height` CSS pixels, e.g. 375 × 800 for a phone.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        // The window size includes browser chrome; size it, measure the viewport, and correct once.
        // A busy machine may apply a resize after WebDriver answers, so each size is watched for a moment.
        let (mut outer_w, mut outer_h) = (width, height);
        for _ in 0..3 {
            if let Err(e) = self.client.set_window_size(outer_w, outer_h).await {
                panic!("cannot resize the window to {outer_w}x{outer_h}: {e}");
            }
            let (mut inner_w, mut inner_h) = self.viewport().await;
            for _ in 0..20 {
                if (inner_w, inner_h) == (width, height) {
                    return;
                }
                tokio::time::sleep(POLL).await;
                let now = self.viewport().await;
                if now == (inner_w, inner_h) {
                    break;
                }
                (inner_w, inner_h) = now;
            }
            if (inner_w, inner_h) == (width, height) {
                return;
            }
            outer_w = (outer_w + width).saturating_sub(inner_w);
            outer_h = (outer_h + height).saturating_sub(inner_h);
        }
        let (inner_w, inner_h) = self.viewport().await;
        if (inner_w, inner_h) != (width, height) {
            panic!("asked for a {width}x{height} viewport, Chromium gave {inner_w}x{inner_h}");
        }
    }

    /// Saves a PNG of the viewport as `<NN>-<step>.png` in this test's artifacts dir and returns its path.
    pub async fn screenshot(&self, step: &str) -> PathBuf {
        match self.save_screenshot(step).await {
            Ok(path) => path,
            Err(e) => self.fail(&format!("cannot take screenshot {step:?}: {e}")).await,
        }
    }

    /// Ends the session and stops chromedriver. Dropping the browser does the same, less politely.
    pub async fn close(mut self) {
        match self.client.clone().close().await {
            Ok(()) => self.open_session = None,
            Err(e) => eprintln!("closing the browser session failed, dropping it instead: {e}"),
        }
        let _ = self.driver.kill().await;
    }

    async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(self.wait).every(POLL).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(CmdError::WaitTimeout) => self.fail(&format!("nothing matched {css:?} within {:?}", self.wait)).await,
            Err(e) => self.fail(&format!("cannot look for {css:?}: {e}")).await,
        }
    }

    /// Polls `script` (which returns a list of elements given `arg`) until it finds exactly one.
    async fn find_by_script(&self, script: &str, arg: &str, what: &str) -> Element {
        let deadline = Instant::now() + self.wait;
        loop {
            let found = match self.client.execute(script, vec![json!(arg)]).await {
                Ok(Value::Array(found)) => found,
                Ok(other) => panic!("looking for {what} returned {other}"),
                Err(e) => self.fail(&format!("cannot look for {what}: {e}")).await,
            };
            match found.as_slice() {
                [one] => return self.element(one),
                [] if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                [] => self.fail(&format!("found no {what} within {:?}", self.wait)).await,
                many => self.fail(&format!("found {} of {what}, expected one", many.len())).await,
            }
        }
    }

    fn element(&self, reference: &Value) -> Element {
        let Some(id) = reference.get(ELEMENT_KEY).and_then(Value::as_str) else {
            panic!("WebDriver returned {reference} where an element was expected");
        };
        Element::from_element_id(self.client.clone(), ElementRef::from(id.to_owned()))
    }

    async fn type_into(&self, field: &Element, value: &str, what: &str) {
        if let Err(e) = field.clear().await {
            self.fail(&format!("cannot clear {what}: {e}")).await;
        }
        if let Err(e) = field.send_keys(value).await {
            self.fail(&format!("cannot type into {what}: {e}")).await;
        }
    }

    async fn save_screenshot(&self, step: &str) -> Result<PathBuf, String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        let n = self.screenshots.fetch_add(1, Ordering::Relaxed) + 1;
        let step: String = step.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
        let path = self.artifacts.join(format!("{n:02}-{step}.png"));
        std::fs::write(&path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    async fn viewport(&self) -> (u32, u32) {
        let size = self.client.execute("return [window.innerWidth, window.innerHeight];", vec![]).await;
        let size = size.unwrap_or_else(|e| panic!("cannot measure the viewport: {e}"));
        let dim = |i: usize| size.get(i).and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        (dim(0), dim(1))
    }

    /// Fails the test, saying where the browser was and what the page showed, with a screenshot.
    async fn fail(&self, what: &str) -> ! {
        let shot =
            self.save_screenshot("failure").await.map_or_else(|e| format!("<none: {e}>"), |p| p.display().to_string());
        let url = self.client.current_url().await.map_or_else(|e| format!("<unknown: {e}>"), |u| u.to_string());
        let body = self.client.execute("return document.body ? document.body.innerText : '';", vec![]).await;
        let body = body.ok().and_then(|b| b.as_str().map(str::to_owned)).unwrap_or_default();
        let mut snippet: String = body.chars().take(800).collect();
        if snippet.len() < body.len() {
            snippet.push('…');
        }
        panic!("{what}\n  page: {url}\n  text: {snippet}\n  screenshot: {shot}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Killing chromedriver would orphan Chromium, so first ask chromedriver to end the session (which
        // stops Chromium), unless `close` already did. Drop may run inside the test's runtime, even while
        // a panic unwinds, so the request goes from a thread of its own.
        if let Some(session) = self.open_session.take() {
            let url = format!("{}/session/{session}", self.webdriver);
            let quit = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                runtime.block_on(async { reqwest::Client::new().delete(url).timeout(DRIVER_START).send().await }).ok()
            });
            let _ = quit.join();
        }
        let _ = self.driver.start_kill();
    }
}

/// The binary named by `var` (or `default`) if it exists; `None` or a panic (backends required) if not.
fn installed(var: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(default), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("AGORA_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
        panic!(
            "{} ({var}) is not installed but AGORA_TEST_REQUIRE_BACKENDS=1; run the suite with ./scripts/test",
            path.display()
        );
    }
    eprintln!("skipped: {} is not installed (./scripts/test installs chromium and chromium-driver)", path.display());
    None
}

/// Polls chromedriver's `/status` until it reports ready; panics with its log if it exits or takes too long.
async fn wait_until_ready(driver: &mut Child, webdriver: &str, log: &Path) {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + DRIVER_START;
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            panic!("chromedriver exited with {status} while starting:\n{}", read_log(log));
        }
        let status = match http.get(format!("{webdriver}/status")).send().await {
            Ok(response) => response.json::<Value>().await.ok(),
            Err(_) => None,
        };
        if status.as_ref().and_then(|s| s.pointer("/value/ready")).and_then(Value::as_bool) == Some(true) {
            return;
        }
        if Instant::now() >= deadline {
            panic!("chromedriver at {webdriver} was not ready within {DRIVER_START:?}:\n{}", read_log(log));
        }
        tokio::time::sleep(POLL).await;
    }
}

fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_else(|e| format!("<no log at {}: {e}>", log.display()))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("cannot find a free local port: {e}"))
}

/// `CARGO_TARGET_DIR`, or `target/` beside the workspace's `Cargo.lock`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let workspace = manifest.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).unwrap_or(&manifest);
    workspace.join("target")
}
