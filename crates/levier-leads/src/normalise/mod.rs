//! Validated newtypes for the fields of a lead: each `parse` takes the value as people type it
//! in a French or Belgian CRM export and returns its one normal form, or says what is wrong.

/// Display, and conversions to and from `String` through `parse`, for a newtype over the
/// normal form of a value: what serde and templates need, written once.
macro_rules! text_newtype {
    ($t:ident, $error:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
        impl TryFrom<String> for $t {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $t::parse(&value)
            }
        }
    };
}

mod company;
mod email;
mod geo_be;
mod geo_fr;
mod name;
mod phone;
mod postcode;
mod siret;
pub(crate) mod text;
mod website;

pub use company::{CompanyError, CompanyName, LegalForm};
pub use email::{Email, EmailError};
pub use name::{NameError, PersonName};
pub use phone::{Phone, PhoneError};
pub use postcode::{Country, Postcode, PostcodeError};
pub use siret::{RegisterNumber, RegisterNumberError, Siren, Siret};
pub use website::{Domain, WebsiteError};
