//! Which connections rendered NetworkPolicies allow: enough of Kubernetes' semantics (label selectors,
//! namespace selectors, ports; a connection needs the sender's egress and the receiver's ingress) to list
//! the flows between Agora's pods, the ingress controller, DNS and the infrastructure.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::render::list;

/// A pod that may send or receive: its namespace's labels, its labels, and the port it listens on.
struct Pod {
    name: String,
    namespace: Value,
    labels: Value,
    port: (u64, &'static str),
    /// Agora's own pods; the policies govern only their side of a connection.
    ours: bool,
}

/// "a -> b" for every connection the policies allow, from Agora's pods and the ingress controller to Agora's
/// servers, and from Agora's pods to DNS and the infrastructure.
pub fn allowed_flows(objects: &[Value]) -> BTreeSet<String> {
    let namespace = json!({ "kubernetes.io/metadata.name": "agora" });
    let policies: Vec<&Value> = objects.iter().filter(|o| o["kind"] == "NetworkPolicy").collect();
    let mut pods: Vec<Pod> = objects
        .iter()
        .filter(|o| o["kind"] == "Deployment" || o["kind"] == "Job")
        .map(|o| Pod {
            name: o["metadata"]["name"].as_str().unwrap().to_owned(),
            namespace: namespace.clone(),
            labels: o["spec"]["template"]["metadata"]["labels"].clone(),
            port: (8080, "TCP"),
            ours: true,
        })
        .collect();
    let servers: BTreeSet<String> = objects
        .iter()
        .filter(|o| o["kind"] == "Deployment")
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    let other = |name: &str, ns: &str, labels: Value, port| Pod {
        name: name.to_owned(),
        namespace: json!({ "kubernetes.io/metadata.name": ns }),
        labels,
        port,
        ours: false,
    };
    pods.push(other(
        "ingress-nginx",
        "ingress-nginx",
        json!({ "app.kubernetes.io/name": "ingress-nginx" }),
        (443, "TCP"),
    ));
    pods.push(other("kube-dns", "kube-system", json!({ "k8s-app": "kube-dns" }), (53, "UDP")));
    for (name, port) in [("postgresql", 5432), ("kafka", 9092), ("redis", 6379), ("minio", 9000)] {
        pods.push(other(name, "agora", json!({ "app.kubernetes.io/name": name }), (port, "TCP")));
    }

    let mut flows = BTreeSet::new();
    for from in pods.iter().filter(|p| p.ours || p.name == "ingress-nginx") {
        for to in &pods {
            let wanted = if from.ours { servers.contains(&to.name) || !to.ours } else { servers.contains(&to.name) };
            if from.name == to.name || !wanted || to.name == "ingress-nginx" {
                continue;
            }
            let sends = !from.ours || permits(&policies, from, to, "Egress");
            let receives = !to.ours || permits(&policies, to, from, "Ingress");
            if sends && receives {
                flows.insert(format!("{} -> {}", from.name, to.name));
            }
        }
    }
    flows
}

/// Whether the `direction` policies selecting `pod` let it talk to `peer` (on the receiver's port).
fn permits(policies: &[&Value], pod: &Pod, peer: &Pod, direction: &str) -> bool {
    let (rules, peers) = if direction == "Egress" { ("egress", "to") } else { ("ingress", "from") };
    let port = if direction == "Egress" { peer.port } else { pod.port };
    let applying: Vec<&&Value> = policies
        .iter()
        .filter(|p| matches(&p["spec"]["podSelector"], &pod.labels))
        .filter(|p| p["spec"]["policyTypes"].as_array().unwrap().iter().any(|t| t == direction))
        .collect();
    if applying.is_empty() {
        return true; // not isolated in this direction
    }
    applying.iter().flat_map(|p| list(&p["spec"][rules])).any(|rule| {
        let peer_ok = rule[peers].is_null() || list(&rule[peers]).iter().any(|selector| selects_peer(selector, peer));
        let port_ok = rule["ports"].is_null()
            || list(&rule["ports"])
                .iter()
                .any(|p| p["port"] == port.0 && p["protocol"].as_str().unwrap_or("TCP") == port.1);
        peer_ok && port_ok
    })
}

/// A `from`/`to` entry: pods of the policy's namespace by podSelector, or of selected namespaces.
fn selects_peer(selector: &Value, peer: &Pod) -> bool {
    if !selector["ipBlock"].is_null() {
        return false; // ipBlocks in these manifests leave out the private ranges pods live in
    }
    let namespace_ok = match &selector["namespaceSelector"] {
        Value::Null => peer.namespace["kubernetes.io/metadata.name"] == "agora",
        namespaces => matches(namespaces, &peer.namespace),
    };
    let pod_ok = selector["podSelector"].is_null() || matches(&selector["podSelector"], &peer.labels);
    namespace_ok && pod_ok
}

/// A label selector (matchLabels only; an empty selector selects everything).
fn matches(selector: &Value, labels: &Value) -> bool {
    assert!(selector["matchExpressions"].is_null(), "matchExpressions are not modelled by this test");
    selector["matchLabels"].as_object().is_none_or(|wanted| wanted.iter().all(|(k, v)| &labels[k] == v))
}
