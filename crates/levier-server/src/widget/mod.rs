//! The public chat widget's API (`/api/v1/widget/{site_key}/…`): no session, no cookies; a
//! request is admitted by its site key, its `Origin` and the rate limits ([`gate`]), and a
//! conversation is named by the token the widget received when it started it.

pub mod api;
pub mod gate;
pub mod view;
