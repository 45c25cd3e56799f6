//! `deploy/grafana/agora.json`: every metric its queries name is one the code emits, queried the way
//! Prometheus exposes it (a histogram only through `_bucket`, `_sum` and `_count`, nothing else through
//! those), so renaming a metric breaks this test instead of a panel in silence; and every panel has a title,
//! its own id and the dashboard's Prometheus data source.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The series the Prometheus exporter adds for a histogram.
const HISTOGRAM_SERIES: [&str; 3] = ["_bucket", "_sum", "_count"];

/// The data source every panel and query uses: the dashboard's `datasource` variable.
const DATA_SOURCE: &str = "${datasource}";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dashboard() -> Value {
    let path = repository().join("deploy/grafana/agora.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// Every panel, those inside (collapsed) rows included.
fn panels(list: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    for panel in list.as_array().into_iter().flatten() {
        all.push(panel);
        all.extend(panels(&panel["panels"]));
    }
    all
}

fn targets(panel: &Value) -> impl Iterator<Item = &Value> {
    panel["targets"].as_array().into_iter().flatten()
}

/// The PromQL of every panel's targets and of every template variable's query, with where it is.
fn queries(dashboard: &Value) -> Vec<(String, String)> {
    let mut queries = Vec::new();
    for panel in panels(&dashboard["panels"]) {
        let title = panel["title"].as_str().unwrap_or("?");
        for target in targets(panel) {
            if let Some(expr) = target["expr"].as_str() {
                queries.push((format!("panel {title:?}"), expr.to_owned()));
            }
        }
    }
    for variable in dashboard["templating"]["list"].as_array().into_iter().flatten() {
        if let Some(definition) = variable["definition"].as_str() {
            queries.push((format!("variable {}", variable["name"]), definition.to_owned()));
        }
    }
    queries
}

/// The `agora_*` metric names a query mentions. Quoted text (label values, matchers) is skipped.
fn metric_names(query: &str) -> Vec<String> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let chars: Vec<char> = query.chars().collect();
    let mut names = Vec::new();
    let (mut i, mut quote) = (0, None::<char>);
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' => i += 1,
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None if is_name_char(c) && (i == 0 || !is_name_char(chars[i - 1])) => {
                let end = (i..chars.len()).find(|&j| !is_name_char(chars[j])).unwrap_or(chars.len());
                let word: String = chars[i..end].iter().collect();
                if word.starts_with("agora_") {
                    names.push(word);
                }
                i = end;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    names
}

/// The Rust source of every crate (`crates/*/src`), with all whitespace removed so that a macro call
/// rustfmt splits over lines still reads `histogram!("name"`.
fn compact_source() -> String {
    fn collect(dir: &Path, into: &mut String) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                collect(&path, into);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                into.extend(std::fs::read_to_string(&path).unwrap().split_whitespace());
            }
        }
    }
    let mut source = String::new();
    let crates = repository().join("crates");
    for entry in std::fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            collect(&src, &mut source);
        }
    }
    assert!(source.contains("\"agora_http_requests_total\""), "no crate source found under {}", crates.display());
    source
}

#[test]
fn every_metric_on_the_dashboard_is_emitted_by_the_code_as_the_kind_it_is_queried_as() {
    let dashboard = dashboard();
    let source = compact_source();
    let emitted = |name: &str| source.contains(&format!("\"{name}\""));
    let recorded_by =
        |name: &str, kinds: &[&str]| kinds.iter().any(|kind| source.contains(&format!("{kind}!(\"{name}\"")));

    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (place, query) in queries(&dashboard) {
        for name in metric_names(&query) {
            used.entry(name).or_default().insert(place.clone());
        }
    }
    assert!(used.len() >= 20, "the dashboard queries only {} metrics: {:?}", used.len(), used.keys());

    let mut wrong = Vec::new();
    for (name, places) in &used {
        let base = HISTOGRAM_SERIES.iter().find_map(|suffix| name.strip_suffix(suffix));
        if emitted(name) {
            if !recorded_by(name, &["counter", "gauge"]) {
                wrong.push(format!("{name} is queried as a counter or gauge but is not recorded as one ({places:?})"));
            }
        } else if let Some(base) = base.filter(|base| emitted(base)) {
            if !recorded_by(base, &["histogram"]) {
                wrong.push(format!("{name}: {base} is not recorded as a histogram ({places:?})"));
            }
        } else {
            let searched = base.map_or_else(|| format!("\"{name}\""), |base| format!("\"{name}\" or \"{base}\""));
            wrong.push(format!("{name}: no crate emits {searched} ({places:?})"));
        }
    }
    assert!(
        wrong.is_empty(),
        "deploy/grafana/agora.json queries metrics the code does not emit:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn every_panel_has_a_title_its_own_id_and_the_dashboards_prometheus_data_source() {
    let dashboard = dashboard();
    let variables = dashboard["templating"]["list"].as_array().cloned().unwrap_or_default();
    let data_source = variables.iter().find(|v| v["name"] == "datasource").expect("a `datasource` template variable");
    assert_eq!(data_source["type"], "datasource");
    assert_eq!(data_source["query"], "prometheus");

    let all = panels(&dashboard["panels"]);
    assert!(!all.is_empty(), "the dashboard has no panels");
    let mut ids = BTreeSet::new();
    for panel in all {
        let title = panel["title"].as_str().unwrap_or_default();
        assert!(!title.trim().is_empty(), "a panel has no title: {panel}");
        assert_eq!(panel["datasource"]["uid"], DATA_SOURCE, "panel {title:?} has no data source, or another one");
        assert_eq!(panel["datasource"]["type"], "prometheus", "panel {title:?}");
        let id = panel["id"].as_u64().unwrap_or_else(|| panic!("panel {title:?} has no id"));
        assert!(ids.insert(id), "panel id {id} is used twice (again by {title:?})");
        if panel["type"] != "row" {
            assert!(targets(panel).next().is_some(), "panel {title:?} queries nothing");
        }
        for target in targets(panel) {
            assert_eq!(target["datasource"]["uid"], DATA_SOURCE, "a query of panel {title:?} has another data source");
            let expr = target["expr"].as_str().unwrap_or_default();
            assert!(!expr.trim().is_empty(), "a query of panel {title:?} is empty");
        }
    }
    for variable in variables.iter().filter(|v| v["type"] == "query") {
        assert_eq!(variable["datasource"]["uid"], DATA_SOURCE, "variable {} has another data source", variable["name"]);
    }
}

#[test]
fn metric_names_are_read_from_queries_but_not_from_quoted_label_values() {
    let query = r#"histogram_quantile(0.95, sum by (le) (rate(agora_http_request_duration_seconds_bucket{job=~"agora_x"}[5m]))) / agora_bus_consumer_lag"#;
    assert_eq!(metric_names(query), ["agora_http_request_duration_seconds_bucket", "agora_bus_consumer_lag"]);
}
