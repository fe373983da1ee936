//! Quantities and money (domain.md §0.2 rules 2–3): integer 条 and integer fen, never f64.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A quantity in 条 (cartons of 200 sticks). 1 箱 = 250 条, 1 件 = 50 条 (§3.3.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cartons(pub i64);

/// 条 per 箱 (case), domain.md §3.3.2.
pub const CARTONS_PER_CASE: i64 = 250;

impl Cartons {
    /// Volume in 箱 (cases), for structure KPIs; display only.
    pub fn cases(self) -> f64 {
        self.0 as f64 / CARTONS_PER_CASE as f64
    }
}

impl Add for Cartons {
    type Output = Cartons;
    fn add(self, o: Cartons) -> Cartons {
        Cartons(self.0 + o.0)
    }
}
impl AddAssign for Cartons {
    fn add_assign(&mut self, o: Cartons) {
        self.0 += o.0;
    }
}
impl Sub for Cartons {
    type Output = Cartons;
    fn sub(self, o: Cartons) -> Cartons {
        Cartons(self.0 - o.0)
    }
}
impl fmt::Display for Cartons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 条", group_thousands(self.0))
    }
}

/// Money in fen (0.01 元).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// Parse a 元 amount with at most two decimals ("123", "123.4", "123.45").
    pub fn parse_yuan(s: &str) -> Result<Fen, crate::ParseError> {
        let t = s.trim();
        let err = || {
            crate::ParseError::new(
                "金额",
                format!("\"{t}\" 不是有效的金额（元，最多两位小数）"),
            )
        };
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let i: i64 = int.parse().map_err(|_| err())?;
        let mut f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| err())?
        };
        if frac.len() == 1 {
            f *= 10;
        }
        let v = i
            .checked_mul(100)
            .and_then(|x| x.checked_add(f))
            .ok_or_else(err)?;
        Ok(Fen(if neg { -v } else { v }))
    }

    /// 元 as a float, for charts and ratios only.
    pub fn yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}
impl AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}

impl fmt::Display for Fen {
    /// `12,345.67` (元).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:02}",
            group_thousands((a / 100) as i64),
            a % 100
        )
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_parsing_and_display() {
        assert_eq!(Fen::parse_yuan("123.4").unwrap(), Fen(12340));
        assert_eq!(Fen::parse_yuan("0.05").unwrap(), Fen(5));
        assert_eq!(Fen::parse_yuan("-7").unwrap(), Fen(-700));
        assert!(Fen::parse_yuan("1.234").is_err());
        assert!(Fen::parse_yuan("abc").is_err());
        assert_eq!(Fen(123456789).to_string(), "1,234,567.89");
        assert_eq!(Cartons(1500).to_string(), "1,500 条");
        assert_eq!(Cartons(500).cases(), 2.0);
    }
}
