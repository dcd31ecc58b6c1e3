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
