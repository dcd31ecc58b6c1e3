//! Who is on the other end of the connection.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// True when the request comes from this machine and was not relayed by a proxy: a reverse
/// proxy on the same host makes every visitor's connection look local, but it says so with
/// `Forwarded` / `X-Forwarded-For`, and such requests are treated as remote.
pub fn is_local(headers: &HeaderMap, ip: Option<IpAddr>) -> bool {
    is_loopback(ip)
        && !headers.contains_key("forwarded")
        && !headers.contains_key("x-forwarded-for")
}

/// The peer address of a request (the proxy's, when behind one).
pub fn peer_ip(req: &Request) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The visitor's address: the peer's, or, when the peer is one of the `trusted` reverse
/// proxies, the last address of `X-Forwarded-For` that is not itself a trusted proxy (each
/// proxy appends the address it received from; what the visitor wrote comes before, and is
/// not believed).
pub fn visitor_ip(req: &Request, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer_ip(req)?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

/// True for connections from this machine (127.0.0.0/8, ::1, or IPv4-mapped loopback).
pub fn is_loopback(ip: Option<IpAddr>) -> bool {
    match ip {
        Some(IpAddr::V4(v4)) => v4.is_loopback(),
        Some(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(peer: &str, forwarded: &[&str]) -> Request {
        let mut req = Request::new(Body::empty());
        for f in forwarded {
            req.headers_mut()
                .append("x-forwarded-for", f.parse().expect("header"));
        }
        let peer: SocketAddr = format!("{peer}:40000").parse().expect("address");
        req.extensions_mut().insert(ConnectInfo(peer));
        req
    }

    #[test]
    fn a_trusted_proxy_names_the_visitor_and_nobody_else_does() {
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let visitor: IpAddr = "203.0.113.7".parse().expect("ip");
        let via_proxy = request("127.0.0.1", &["198.51.100.1, 203.0.113.7"]);
        assert_eq!(visitor_ip(&via_proxy, &[proxy]), Some(visitor));
        let direct = request("203.0.113.7", &["198.51.100.1"]);
        assert_eq!(
            visitor_ip(&direct, &[proxy]),
            Some(visitor),
            "a visitor's own header is not believed"
        );
        let untrusted = request("127.0.0.1", &["203.0.113.7"]);
        assert_eq!(visitor_ip(&untrusted, &[]), Some(proxy));
        let garbage = request("127.0.0.1", &["not-an-address"]);
        assert_eq!(visitor_ip(&garbage, &[proxy]), Some(proxy));
    }
}
