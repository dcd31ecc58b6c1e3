//! Middleware applied to every request: request ids and logs, metrics, security headers, and
//! turning bare error statuses from layers into problem documents.

pub mod client;
pub mod metrics;
pub mod request_id;
pub mod security;
