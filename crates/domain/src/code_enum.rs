/// Declares a closed enum with a stable code (stored in the database and used in the API) and a
/// Chinese label (shown in the UI), with `parse`, `code`, `zh` and `ALL`.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => ($code:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used by the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label from domain.md's glossary.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Parse a stable code (or the Chinese label).
            pub fn parse(s: &str) -> Result<Self, $crate::ParseError> {
                let t = s.trim();
                $(if t == $code || t == $zh { return Ok($name::$variant); })+
                Err($crate::ParseError::new(
                    $field,
                    format!("无效的取值 \"{}\"，可选: {}", t, [$($code),+].join(", ")),
                ))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.zh())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}
