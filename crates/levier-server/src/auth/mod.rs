//! Who is calling: sessions (browser) and API tokens (scripts), CSRF protection, login throttling.

pub mod caller;
pub mod cookies;
pub mod csrf;
pub mod login;

pub use caller::{Caller, Via};
