//! Number formatting for the pages (Chinese conventions: thousands separators, 元 with two
//! decimals, percentages with one decimal).
use std::borrow::Borrow;

/// `12345` → `12,345`.
pub fn qty(v: impl Borrow<i64>) -> String {
    domain::money::group_thousands(*v.borrow())
}

/// fen → `12,345.67`.
pub fn yuan(fen: impl Borrow<i64>) -> String {
    domain::Fen(*fen.borrow()).to_string()
}

/// fen → whole 万元 with one decimal (`123.4`).
pub fn wan_yuan(fen: impl Borrow<i64>) -> String {
    format!("{:.1}", *fen.borrow() as f64 / 1_000_000.0)
}

/// `12.345` → `12.3%`.
pub fn pct(v: impl Borrow<f64>) -> String {
    format!("{:.1}%", v.borrow())
}

/// A growth figure with its sign, or a dash.
pub fn growth(v: &Option<f64>) -> String {
    match v {
        Some(g) => format!("{g:+.1}%"),
        None => "—".to_string(),
    }
}

/// CSS class of a growth figure.
pub fn growth_class(v: &Option<f64>) -> &'static str {
    match v {
        Some(g) if *g < 0.0 => "down",
        Some(_) => "up",
        None => "",
    }
}

/// A ratio like 0.7727 → `0.77`.
pub fn ratio(v: impl Borrow<f64>) -> String {
    format!("{:.2}", v.borrow())
}

/// An optional score with two decimals, or a dash.
pub fn opt_ratio(v: &Option<f64>) -> String {
    v.map(|x| format!("{x:.2}"))
        .unwrap_or_else(|| "—".to_string())
}

pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "—".to_string())
}

/// Percent-encode a query value (RFC 3986 unreserved kept).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A moment in China time (UTC+8): `2026-11-24 09:30`.
pub fn datetime(t: impl Borrow<chrono::DateTime<chrono::Utc>>) -> String {
    t.borrow()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn formats() {
        assert_eq!(qty(1234567), "1,234,567");
        assert_eq!(yuan(123456), "1,234.56");
        assert_eq!(pct(12.345), "12.3%");
        assert_eq!(growth(&Some(-3.21)), "-3.2%");
        assert_eq!(urlencode("/retailers?q=张"), "/retailers%3Fq%3D%E5%BC%A0");
    }
}
