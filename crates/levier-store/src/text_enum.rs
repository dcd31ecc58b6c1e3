//! Enums stored as text columns, declared once with their stored names.

/// Declares a `Copy` enum whose values are stored as the given texts, with `as_str` and
/// `parse`. A stored text this binary does not know is an error rather than a guess: it comes
/// from a newer levier or from tampering, and treating it as some other value would be wrong.
macro_rules! text_enum {
    (
        $(#[$doc:meta])*
        $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value a stored name stands for.
            pub fn parse(text: &str) -> $crate::StoreResult<$name> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::StoreError::Invalid(format!(
                        concat!("unknown ", stringify!($name), " '{}'"),
                        other
                    ))),
                }
            }
        }
    };
}

pub(crate) use text_enum;
