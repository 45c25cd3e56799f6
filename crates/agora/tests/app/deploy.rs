//! `deploy/`: every Kubernetes overlay, rendered by kustomize with freshly generated secrets, keeps the
//! deployment invariants (probes, resources, non-root, Services, configuration, Ingress, network flows,
//! no committed secret); compose.yaml runs every service; the image runs as a non-root user.
//!
//! Rendering needs a kubectl whose kustomize is v5 or later: `AGORA_TEST_KUBECTL`, or `kubectl` on PATH
//! (`./scripts/test` installs one). Without it those tests are skipped, or fail under
//! `AGORA_TEST_REQUIRE_BACKENDS=1`.

mod network;
mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;

use render::{
    GENERATED, Rendered, deploy_dir, find, list, name, names_a_port, of_kind, parse_yaml, pod_templates, selects,
    services,
};

#[test]
fn every_deployment_has_probes_resources_a_non_root_user_and_a_matching_service() {
    let Some(rendered) = Rendered::get() else { return };
    for (overlay, objects) in rendered.each() {
        for (workload, template) in pod_templates(objects) {
            let pod = &template["spec"];
            let containers = list(&pod["containers"]);
            assert!(!containers.is_empty(), "{overlay}: {workload} has no container");
            for container in containers {
                let at = format!("{overlay}: {workload}");
                for bound in ["requests", "limits"] {
                    for resource in ["cpu", "memory"] {
                        assert!(container["resources"][bound][resource].is_string(), "{at}: no {bound}.{resource}");
                    }
                }
                let non_root = container["securityContext"]["runAsNonRoot"]
                    .as_bool()
                    .or(pod["securityContext"]["runAsNonRoot"].as_bool());
                assert_eq!(non_root, Some(true), "{at}: may run as root");
                let user =
                    container["securityContext"]["runAsUser"].as_u64().or(pod["securityContext"]["runAsUser"].as_u64());
                assert_ne!(user, Some(0), "{at}: runs as uid 0");
                assert_eq!(container["securityContext"]["allowPrivilegeEscalation"], false, "{at}: may escalate");
                assert_eq!(container["securityContext"]["capabilities"]["drop"], serde_json::json!(["ALL"]), "{at}");
                if workload.starts_with("Job") {
                    continue;
                }
                for probe in ["livenessProbe", "readinessProbe"] {
                    let http = &container[probe]["httpGet"];
                    assert!(http.is_object(), "{at}: no HTTP {probe}");
                    assert!(
                        names_a_port(&http["port"], containers),
                        "{at}: {probe} port {} is no container port",
                        http["port"]
                    );
                }
                assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz", "{at}");
                assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz", "{at}");
            }
            if workload.starts_with("Job") {
                continue;
            }
            let labels = &template["metadata"]["labels"];
            let services: Vec<&Value> =
                of_kind(objects, "Service").filter(|s| selects(&s["spec"]["selector"], labels)).collect();
            assert!(!services.is_empty(), "{overlay}: no Service selects the pods of {workload}");
            for service in services {
                for port in list(&service["spec"]["ports"]) {
                    let target = if port["targetPort"].is_null() { &port["port"] } else { &port["targetPort"] };
                    assert!(
                        names_a_port(target, containers),
                        "{overlay}: Service {} targets {target}, no port of {workload}",
                        name(service)
                    );
                }
            }
        }
    }
}

#[test]
fn every_variable_read_from_a_config_map_or_secret_exists() {
    let Some(rendered) = Rendered::get() else { return };
    for (overlay, objects) in rendered.each() {
        let keys_of = |kind: &str, wanted: &str| -> Option<BTreeSet<String>> {
            let object = find(objects, kind, wanted)?;
            let keys = ["data", "stringData"]
                .iter()
                .flat_map(|field| object[field].as_object().into_iter().flat_map(|m| m.keys()));
            Some(keys.cloned().collect())
        };
        for (workload, template) in pod_templates(objects) {
            for container in list(&template["spec"]["containers"]) {
                for source in list(&container["envFrom"]) {
                    for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                        if let Some(wanted) = source[field]["name"].as_str() {
                            assert!(
                                keys_of(kind, wanted).is_some(),
                                "{overlay}: {workload} reads {kind} {wanted}, not rendered"
                            );
                        }
                    }
                }
                for var in list(&container["env"]) {
                    for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                        let reference = &var["valueFrom"][field];
                        let (Some(wanted), Some(key)) = (reference["name"].as_str(), reference["key"].as_str()) else {
                            continue;
                        };
                        let keys = keys_of(kind, wanted);
                        assert!(
                            keys.is_some_and(|keys| keys.contains(key)),
                            "{overlay}: {workload} reads {} from {kind} {wanted} key {key}, which is not there",
                            var["name"]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_service_of_the_binary_has_its_deployment_service_and_ingress_path() {
    let Some(rendered) = Rendered::get() else { return };
    let base = &rendered.overlays["base"];
    for service in services() {
        let deployment =
            find(base, "Deployment", service).unwrap_or_else(|| panic!("no Deployment for {service} in base"));
        let args = &deployment["spec"]["template"]["spec"]["containers"][0]["args"];
        assert_eq!(args, &serde_json::json!(["serve", "--services", service]), "{service}");
        assert!(find(base, "Service", service).is_some(), "no Service for {service}");
    }
    for overlay in ["base", "overlays/production"] {
        let objects = &rendered.overlays[overlay];
        let ingress = find(objects, "Ingress", "agora").unwrap();
        let routes: BTreeMap<&str, &str> = list(&ingress["spec"]["rules"])
            .iter()
            .flat_map(|rule| list(&rule["http"]["paths"]))
            .map(|p| (p["path"].as_str().unwrap(), p["backend"]["service"]["name"].as_str().unwrap()))
            .collect();
        for service in services() {
            let path = if service == "storefront" { "/".to_owned() } else { format!("/api/{service}") };
            assert_eq!(routes.get(path.as_str()), Some(&service), "{overlay}: {path} does not lead to {service}");
        }
    }
    let single = &rendered.overlays["overlays/single"];
    let deployments: Vec<&Value> = of_kind(single, "Deployment").collect();
    assert_eq!(deployments.len(), 1, "the single overlay runs one Deployment");
    assert_eq!(deployments[0]["spec"]["template"]["spec"]["containers"][0]["args"], serde_json::json!(["serve"]));
    assert_eq!(deployments[0]["spec"]["replicas"], 1);
    assert_eq!(deployments[0]["spec"]["strategy"]["type"], "Recreate", "two pods must never share the SQLite files");
}

#[test]
fn ingress_backends_name_existing_services_and_ports() {
    let Some(rendered) = Rendered::get() else { return };
    for (overlay, objects) in rendered.each() {
        for ingress in of_kind(objects, "Ingress") {
            for path in list(&ingress["spec"]["rules"]).iter().flat_map(|rule| list(&rule["http"]["paths"])) {
                let backend = &path["backend"]["service"];
                let wanted = backend["name"].as_str().unwrap();
                let service =
                    find(objects, "Service", wanted).unwrap_or_else(|| panic!("{overlay}: no Service {wanted}"));
                let port = &backend["port"];
                let has_port = list(&service["spec"]["ports"]).iter().any(|p| {
                    (!port["name"].is_null() && p["name"] == port["name"])
                        || (!port["number"].is_null() && p["port"] == port["number"])
                });
                assert!(has_port, "{overlay}: Service {wanted} has no port {port}");
            }
        }
    }
    let production = &rendered.overlays["overlays/production"];
    let ingress = find(production, "Ingress", "agora").unwrap();
    let tls_hosts = list(&ingress["spec"]["tls"]).iter().flat_map(|t| list(&t["hosts"])).collect::<Vec<_>>();
    assert!(!tls_hosts.is_empty(), "production serves TLS");
    assert!(tls_hosts.contains(&&ingress["spec"]["rules"][0]["host"]), "the routed host has the certificate");
}

#[test]
fn autoscalers_and_disruption_budgets_cover_existing_deployments() {
    let Some(rendered) = Rendered::get() else { return };
    for overlay in ["base", "overlays/production"] {
        let objects = &rendered.overlays[overlay];
        let scaled: BTreeSet<&str> = of_kind(objects, "HorizontalPodAutoscaler")
            .map(|hpa| {
                let target = hpa["spec"]["scaleTargetRef"]["name"].as_str().unwrap();
                let deployment = find(objects, "Deployment", target)
                    .unwrap_or_else(|| panic!("{overlay}: HPA of no Deployment {target}"));
                // A replica count in the Deployment would be reset by every `kubectl apply`, fighting the HPA.
                assert!(
                    deployment["spec"]["replicas"].is_null(),
                    "{overlay}: {target} is autoscaled yet sets replicas"
                );
                assert!(hpa["spec"]["minReplicas"].as_u64().unwrap() >= 2, "{overlay}: {target} may scale to one pod");
                target
            })
            .collect();
        assert!(["catalog", "storefront", "chat"].iter().all(|s| scaled.contains(s)), "{overlay}: {scaled:?}");
        for deployment in of_kind(objects, "Deployment") {
            let labels = &deployment["spec"]["template"]["metadata"]["labels"];
            let budgeted = of_kind(objects, "PodDisruptionBudget")
                .any(|pdb| selects(&pdb["spec"]["selector"]["matchLabels"], labels));
            assert!(budgeted, "{overlay}: no PodDisruptionBudget for {}", name(deployment));
        }
    }
}

#[test]
fn network_policies_allow_only_the_designed_flows() {
    let Some(rendered) = Rendered::get() else { return };
    let allowed = network::allowed_flows(&rendered.overlays["base"]);
    let mut expected = BTreeSet::new();
    let servers = services();
    for server in &servers {
        expected.insert(format!("ingress-nginx -> {server}"));
        if *server != "identity" {
            expected.insert(format!("{server} -> identity"));
        }
        expected.insert(format!("{server} -> kafka"));
        if *server != "storefront" {
            expected.insert(format!("{server} -> postgresql"));
        }
    }
    for callee in servers.iter().filter(|s| !["identity", "storefront"].contains(s)) {
        expected.insert(format!("storefront -> {callee}"));
    }
    for flow in [
        "cart -> catalog",
        "wishlist -> catalog",
        "chat -> catalog",
        "order -> cart",
        "cart -> redis",
        "catalog -> minio",
        "agora-migrate -> postgresql",
        "agora-topics -> kafka",
    ] {
        expected.insert(flow.to_owned());
    }
    for pod in servers.iter().copied().chain(["agora-migrate", "agora-topics"]) {
        expected.insert(format!("{pod} -> kube-dns"));
    }
    let missing: Vec<_> = expected.difference(&allowed).collect();
    let extra: Vec<_> = allowed.difference(&expected).collect();
    assert!(missing.is_empty() && extra.is_empty(), "blocked: {missing:?}\nallowed beyond the design: {extra:?}");
}

#[test]
fn no_rendered_secret_carries_a_value_committed_in_the_repository() {
    let Some(rendered) = Rendered::get() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut committed = String::new();
    for dir in ["deploy", "config"] {
        read_tree(&root.join(dir), &root.join("deploy"), &mut committed);
    }
    for (overlay, objects) in rendered.each() {
        let secrets: Vec<&Value> = of_kind(objects, "Secret").collect();
        assert!(!secrets.is_empty(), "{overlay}: no Secret");
        for secret in secrets {
            assert!(secret["stringData"].is_null(), "{overlay}: Secret {} has literal stringData", name(secret));
            for (key, value) in secret["data"].as_object().into_iter().flatten() {
                // Long values come wrapped over several lines.
                let value: String = value.as_str().unwrap().split_whitespace().collect();
                let value = base64::engine::general_purpose::STANDARD.decode(value).unwrap();
                let value = String::from_utf8(value).unwrap();
                assert!(value.len() >= 16, "{overlay}: {key} is short or empty");
                assert!(!committed.contains(&value), "{overlay}: the value of {key} is committed in the repository");
            }
        }
    }
    // The generated files are never committed.
    let ignored = Command::new("git")
        .args(["check-ignore", "--no-index", "--quiet"])
        .args(GENERATED.map(|f| format!("deploy/{f}")))
        .current_dir(&root)
        .status();
    match ignored {
        Ok(status) if status.code() != Some(128) => assert!(status.success(), "git does not ignore {GENERATED:?}"),
        _ => eprintln!("git unavailable: not checking that the generated secrets are ignored"),
    }
}

/// Appends every file under `dir` to `out`, except the generated secrets under `deploy`.
fn read_tree(dir: &Path, deploy: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if GENERATED.iter().any(|g| path == deploy.join(g)) {
            continue;
        }
        if path.is_dir() {
            read_tree(&path, deploy, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push_str(&text);
        }
    }
}

#[test]
fn compose_runs_every_service_with_its_infrastructure_and_one_shots() {
    let text = std::fs::read_to_string(deploy_dir().join("compose.yaml")).unwrap();
    let compose = parse_yaml(&text).remove(0);
    let services = compose["services"].as_object().unwrap();
    let command = |name: &str| &services.get(name).unwrap_or_else(|| panic!("compose has no {name}"))["command"];
    for service in self::services() {
        assert_eq!(command(service), &serde_json::json!(["serve", "--services", service]));
        let env = &services[service]["environment"];
        assert_eq!(env["AGORA_BUS__BACKEND"], "kafka", "{service}");
        assert_eq!(env["DATABASE_URL"].is_string(), service != "storefront", "{service}: database URL");
    }
    assert_eq!(command("migrate"), &serde_json::json!(["migrate"]));
    assert_eq!(command("topics"), &serde_json::json!(["topics", "create"]));
    for infrastructure in ["postgres", "redis", "kafka"] {
        assert!(services.contains_key(infrastructure), "compose has no {infrastructure}");
    }
    assert_eq!(
        services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"], "broker,controller",
        "Kafka runs in KRaft mode"
    );

    // Every secret compose interpolates is documented in .env.example, which holds no value.
    let example = std::fs::read_to_string(deploy_dir().join(".env.example")).unwrap();
    let documented: BTreeMap<&str, &str> =
        example.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('=')).collect();
    assert!(documented.values().all(|v| v.is_empty()), ".env.example must not hold values");
    let settings: String = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
    for variable in settings.split("${").skip(1).map(|rest| rest.split([':', '-', '}']).next().unwrap()) {
        assert!(
            documented.contains_key(variable) || example.contains(&format!("# {variable}=")),
            "{variable} is not in .env.example"
        );
    }
}

#[test]
fn the_image_runs_agora_as_a_non_root_user() {
    let text = std::fs::read_to_string(deploy_dir().join("Containerfile")).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let last_stage = lines.iter().rposition(|l| l.starts_with("FROM ")).expect("a FROM");
    assert!(lines[..last_stage].iter().any(|l| l.starts_with("FROM ")), "a multi-stage build");
    let runtime = &lines[last_stage..];
    let user = runtime.iter().rev().find_map(|l| l.strip_prefix("USER ")).expect("the final stage sets USER");
    let user = user.split(':').next().unwrap();
    assert!(!["root", "0"].contains(&user), "the final stage runs as {user}");
    assert!(runtime.contains(&r#"ENTRYPOINT ["agora"]"#) && runtime.contains(&r#"CMD ["serve"]"#));
    assert!(runtime.contains(&"EXPOSE 8080"));
    assert!(!runtime.iter().any(|l| l.starts_with("HEALTHCHECK")), "Kubernetes probes instead");
}
