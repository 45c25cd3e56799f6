//! Rendering deploy/kubernetes for the tests: finding kubectl, generating the secrets in a copy of deploy/,
//! parsing the YAML, and looking things up in the rendered objects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

const OVERLAYS: [&str; 3] = ["base", "overlays/production", "overlays/single"];
/// What generate-secrets.sh writes (and git ignores).
pub(super) const GENERATED: [&str; 2] = [".env", "kubernetes/components/secrets/agora.env"];

pub(super) fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

pub(super) fn services() -> Vec<&'static str> {
    agora::registry::all().iter().map(|s| s.name()).collect()
}

/// A kubectl that renders kustomize v5 manifests, or `None` (the test is skipped) when there is none.
fn kubectl() -> Option<PathBuf> {
    let renders = |path: &Path| {
        Command::new(path).args(["version", "--client"]).output().is_ok_and(|out| {
            let text = String::from_utf8_lossy(&out.stdout);
            text.lines().filter_map(|l| l.strip_prefix("Kustomize Version: v")).any(|v| {
                v.split('.').next().and_then(|major| major.parse::<u32>().ok()).is_some_and(|major| major >= 5)
            })
        })
    };
    let candidates = std::env::var_os("AGORA_TEST_KUBECTL").map(PathBuf::from).into_iter().chain(
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .map(|dir| dir.join("kubectl"))
            .collect::<Vec<_>>(),
    );
    for candidate in candidates {
        if candidate.is_file() && renders(&candidate) {
            return Some(candidate);
        }
    }
    if std::env::var("AGORA_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
        panic!(
            "no kubectl with kustomize v5 (AGORA_TEST_KUBECTL) but AGORA_TEST_REQUIRE_BACKENDS=1; run the suite with ./scripts/test"
        );
    }
    eprintln!("skipped: no kubectl with kustomize v5 (./scripts/test installs one and sets AGORA_TEST_KUBECTL)");
    None
}

/// Every object of a multi-document YAML text, with `<<` merge keys applied, as JSON values.
pub(super) fn parse_yaml(text: &str) -> Vec<Value> {
    use serde::Deserialize as _;
    serde_norway::Deserializer::from_str(text)
        .map(|doc| {
            let mut value = serde_norway::Value::deserialize(doc).unwrap();
            value.apply_merge().unwrap();
            serde_json::to_value(value).unwrap()
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// The rendered output of each overlay, from a copy of deploy/ whose secrets generate-secrets.sh wrote.
pub(super) struct Rendered {
    pub(super) overlays: BTreeMap<&'static str, Vec<Value>>,
}

impl Rendered {
    pub(super) fn get() -> Option<&'static Rendered> {
        static RENDERED: OnceLock<Option<Rendered>> = OnceLock::new();
        RENDERED.get_or_init(|| kubectl().map(|kubectl| Rendered::render(&kubectl))).as_ref()
    }

    fn render(kubectl: &Path) -> Rendered {
        let copy = tempfile::tempdir().unwrap();
        let deploy = copy.path().join("deploy");
        copy_dir(&deploy_dir(), &deploy);
        for generated in GENERATED {
            let _ = std::fs::remove_file(deploy.join(generated));
        }
        let out = Command::new("bash")
            .arg(deploy.join("generate-secrets.sh"))
            .output()
            .expect("bash runs generate-secrets.sh");
        assert!(out.status.success(), "generate-secrets.sh failed: {}", String::from_utf8_lossy(&out.stderr));
        let overlays = OVERLAYS
            .into_iter()
            .map(|overlay| {
                let out = Command::new(kubectl)
                    .arg("kustomize")
                    .arg(deploy.join("kubernetes").join(overlay))
                    .output()
                    .unwrap();
                assert!(out.status.success(), "rendering {overlay} failed: {}", String::from_utf8_lossy(&out.stderr));
                (overlay, parse_yaml(&String::from_utf8(out.stdout).unwrap()))
            })
            .collect();
        Rendered { overlays }
    }

    pub(super) fn each(&self) -> impl Iterator<Item = (&'static str, &[Value])> {
        self.overlays.iter().map(|(name, objects)| (*name, objects.as_slice()))
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

pub(super) fn of_kind<'a>(objects: &'a [Value], kind: &str) -> impl Iterator<Item = &'a Value> {
    let kind = kind.to_owned();
    objects.iter().filter(move |o| o["kind"] == kind.as_str())
}

pub(super) fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

pub(super) fn find<'a>(objects: &'a [Value], kind: &str, wanted: &str) -> Option<&'a Value> {
    of_kind(objects, kind).find(|o| name(o) == wanted)
}

pub(super) fn list(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Whether `selector` (matchLabels-style map) selects `labels`.
pub(super) fn selects(selector: &Value, labels: &Value) -> bool {
    let Some(selector) = selector.as_object() else { return false };
    !selector.is_empty() && selector.iter().all(|(k, v)| &labels[k] == v)
}

/// Whether `port` (a number or a name) is one of the container's ports.
pub(super) fn names_a_port(port: &Value, containers: &[Value]) -> bool {
    containers.iter().flat_map(|c| list(&c["ports"])).any(|p| match port {
        Value::String(name) => p["name"] == name.as_str(),
        number => &p["containerPort"] == number,
    })
}

/// The pod templates of Deployments and Jobs, with the workload's kind and name.
pub(super) fn pod_templates(objects: &[Value]) -> Vec<(String, &Value)> {
    objects
        .iter()
        .filter(|o| o["kind"] == "Deployment" || o["kind"] == "Job")
        .map(|o| (format!("{} {}", o["kind"].as_str().unwrap(), name(o)), &o["spec"]["template"]))
        .collect()
}
