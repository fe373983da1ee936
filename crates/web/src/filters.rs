//! Formatting for the templates, in one place (Chinese conventions: thousands separators, 元 with
//! two decimals, percentages with one decimal, times in China time). Templates call these as
//! `crate::filters::qty(x)`.
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

/// An optional share (0.953) as a percentage (`95.3%`), or a dash.
pub fn opt_pct(v: &Option<f64>) -> String {
    v.map(|x| pct(x * 100.0)).unwrap_or_else(|| "—".into())
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

/// A figure without needless decimals (`500`, `89.5`, `12.35`).
pub fn num(x: &f64) -> String {
    if (x.fract()).abs() < 1e-9 {
        qty(x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A moment in China time (UTC+8): `2026-11-24 09:30`.
pub fn datetime(t: impl Borrow<chrono::DateTime<chrono::Utc>>) -> String {
    china(t.borrow()).format("%Y-%m-%d %H:%M").to_string()
}

/// The day of a moment in China time: `2026-11-24`.
pub fn date(t: impl Borrow<chrono::DateTime<chrono::Utc>>) -> String {
    china(t.borrow()).format("%Y-%m-%d").to_string()
}

/// An instant in China time, `MM-DD HH:MM`.
pub fn cn_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    china(t).format("%m-%d %H:%M").to_string()
}

/// An optional instant in China time, or a dash.
pub fn cn_opt(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.as_ref().map(cn_time).unwrap_or_else(|| "—".into())
}

fn china(t: &chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(
        &chrono::FixedOffset::east_opt((domain::visit::CHINA_OFFSET_HOURS * 3600) as i32)
            .expect("UTC+8"),
    )
}

/// 周一 … 周日 of a day number.
pub fn wd(d: &&u32) -> &'static str {
    domain::one_sheet::weekday_zh(**d)
}

/// A forecast method in Chinese (the domain's names); `NONE` for demand without a forecast.
pub fn method_zh(code: &str) -> &'static str {
    match domain::cycle::ForecastMethod::parse(code) {
        Ok(m) => m.zh(),
        Err(_) if code == "NONE" => "无预测",
        Err(_) => "—",
    }
}

/// A grouping key as shown: a method code in Chinese, anything else as is.
pub fn method_label(k: &str) -> String {
    match method_zh(k) {
        "—" => k.to_string(),
        zh => zh.to_string(),
    }
}

/// A forecast record's or a submission's state in Chinese.
pub fn state_zh(code: &str) -> &'static str {
    match code {
        "RETURNED" => "已退回",
        _ => domain::cycle::ForecastState::parse(code)
            .map(|s| s.zh())
            .unwrap_or("—"),
    }
}

/// The MODEL job's result in a line.
pub fn job_result_line(job: &app::jobs::Job) -> String {
    let Some(r) = &job.result else {
        return String::new();
    };
    format!(
        "{} 对（历史 {}–{}），写入 {} 条，失败 {}，用时 {:.1} 秒",
        r["pairs"],
        r["history_from"].as_str().unwrap_or(""),
        r["history_to"].as_str().unwrap_or(""),
        r["written"],
        r["failed"],
        r["seconds"].as_f64().unwrap_or(0.0)
    )
}

/// Percent-encode a query value.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Whether a filter form's field holds `code` (a selected option, a ticked box).
pub fn chosen(v: &Option<String>, code: &str) -> bool {
    crate::extract::filled(v) == Some(code)
}

/// The label of a new-SKU review decision code.
pub fn decision_zh(code: &str) -> &'static str {
    domain::new_sku::Decision::parse(code)
        .map(|d| d.zh())
        .unwrap_or("—")
}

/// An option's letter: 0 → A, 1 → B …
pub fn letter(i: impl Borrow<usize>) -> char {
    char::from(b'A' + (*i.borrow()).min(25) as u8)
}

/// Whether option `i` is among the chosen.
pub fn chose(chosen: &[usize], i: impl Borrow<usize>) -> bool {
    chosen.contains(i.borrow())
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
        assert_eq!(num(&89.5), "89.5");
        assert_eq!(num(&500.0), "500");
        assert_eq!(urlencode("张 a"), "%E5%BC%A0+a");
    }
}
