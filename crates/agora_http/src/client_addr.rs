//! The address of the client behind a request, for rate limits.
//!
//! The peer address is the client unless the peer is a trusted proxy (the ingress, or the storefront acting
//! for a browser); then `X-Forwarded-For` is read from the right, skipping trusted hops, and the first
//! untrusted address is the client. A client cannot forge its address by sending the header itself.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

/// The header a trusted hop uses to pass on the client's address.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// Networks whose requests may name the client in `X-Forwarded-For`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(Arc::new(networks))
    }

    pub fn trusts(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&addr))
    }
}

/// The client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// Resolves the client from the peer address and the forwarded-for chain.
    pub fn resolve(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> ClientAddr {
        if !trusted.trusts(peer) {
            return ClientAddr(peer);
        }
        let hops = forwarded_for.unwrap_or("").rsplit(',').map(str::trim).filter_map(|hop| hop.parse::<IpAddr>().ok());
        let mut client = peer;
        for hop in hops {
            client = hop;
            if !trusted.trusts(hop) {
                break;
            }
        }
        ClientAddr(client)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddr, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let trusted = parts.extensions.get::<TrustedProxies>().cloned().unwrap_or_default();
        // A proxy may add its own header line rather than append to the client's: read them all, in order.
        let lines: Vec<&str> = parts.headers.get_all(FORWARDED_FOR).iter().filter_map(|v| v.to_str().ok()).collect();
        let forwarded = lines.join(",");
        Ok(ClientAddr::resolve(peer, Some(&forwarded), &trusted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> TrustedProxies {
        TrustedProxies::new(vec!["127.0.0.0/8".parse().unwrap()])
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(ClientAddr::resolve(peer, Some("10.0.0.1"), &loopback()).0, peer);
    }

    #[test]
    fn a_trusted_peer_passes_on_the_rightmost_untrusted_hop() {
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let client = ClientAddr::resolve(peer, Some("198.51.100.1, 203.0.113.9, 127.0.0.2"), &loopback());
        assert_eq!(client.0, "203.0.113.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_trusted_peer_without_the_header_is_the_client() {
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(ClientAddr::resolve(peer, None, &loopback()).0, peer);
    }
}
