//! Who is on the other end of the connection.

use axum::extract::{ConnectInfo, Request};
use std::net::{IpAddr, SocketAddr};

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
