//! Identifier newtypes: parsed once at the edge.
use crate::ParseError;
use serde::{Deserialize, Serialize};

macro_rules! code_id {
    ($(#[$meta:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts 1..=max characters of ASCII letters, digits, `-` and `_`.
            pub fn parse(s: &str) -> Result<Self, ParseError> {
                let t = s.trim();
                if t.is_empty() {
                    return Err(ParseError::new($field, "不能为空"));
                }
                if t.len() > $max {
                    return Err(ParseError::new($field, format!("长度不能超过 {} 个字符", $max)));
                }
                if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    return Err(ParseError::new($field, format!("\"{t}\" 只能包含字母、数字、- 和 _")));
                }
                Ok(Self(t.to_string()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

code_id!(
    /// 客户编码 — a retailer's internal code (domain.md §3.1).
    CustomerCode, "客户编码", 32
);
code_id!(
    /// 卷烟代码 — a cigarette specification's code (domain.md §3.3).
    SkuCode, "卷烟代码", 32
);
code_id!(
    /// A login name.
    Username, "用户名", 64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(CustomerCode::parse(" C0001 ").unwrap().as_str(), "C0001");
        assert!(CustomerCode::parse("").is_err());
        assert!(CustomerCode::parse("a b").is_err());
        assert!(SkuCode::parse(&"x".repeat(33)).is_err());
    }
}
