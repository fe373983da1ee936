//! 客户档位 — retailer tier 1..=30, 30 highest (domain.md §3.2).
use crate::ParseError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Tier(u8);

impl Tier {
    pub const MIN: Tier = Tier(1);
    pub const MAX: Tier = Tier(30);

    pub fn new(v: i64) -> Result<Tier, ParseError> {
        if (1..=30).contains(&v) {
            Ok(Tier(v as u8))
        } else {
            Err(ParseError::new("档位", format!("{v} 不在 1–30 之间")))
        }
    }

    pub fn parse(s: &str) -> Result<Tier, ParseError> {
        let t = s.trim().trim_end_matches('档');
        let v: i64 = t
            .parse()
            .map_err(|_| ParseError::new("档位", format!("\"{}\" 不是 1–30 的整数", s.trim())))?;
        Tier::new(v)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// All tiers from 30 down to 1.
    pub fn descending() -> impl Iterator<Item = Tier> {
        (1..=30u8).rev().map(Tier)
    }
}

impl TryFrom<i64> for Tier {
    type Error = ParseError;
    fn try_from(v: i64) -> Result<Tier, ParseError> {
        Tier::new(v)
    }
}
impl From<Tier> for i64 {
    fn from(t: Tier) -> i64 {
        t.0 as i64
    }
}
impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}档", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bounds() {
        assert!(Tier::new(0).is_err());
        assert!(Tier::new(31).is_err());
        assert_eq!(Tier::parse("30档").unwrap(), Tier::MAX);
        assert_eq!(Tier::descending().count(), 30);
    }
}
