//! The bounds of what people type (`Policy.limits`, domain defaults in
//! [`domain::config::InputLimits`]), checked where the app takes input: a figure outside them is
//! refused with a 4xx naming the field, so no stored number can overflow a month's sums.
use crate::{AppError, AppResult};
use domain::config::InputLimits;

/// `q` as a quantity of at most `max` 条 (or 分): not negative, not above `max`.
pub fn quantity(field: impl Into<String>, q: i64, max: i64) -> AppResult<i64> {
    if q < 0 {
        return Err(AppError::invalid(field, "不能为负"));
    }
    if q > max {
        return Err(AppError::invalid(field, format!("{q} 超过上限 {max}")));
    }
    Ok(q)
}

/// A free text within `max_text_chars`.
pub fn text(limits: &InputLimits, field: impl Into<String>, s: &str) -> AppResult<()> {
    chars_within(field, s, limits.max_text_chars)
}

/// A whole document (a one-sheet, a 135 plan) within `max_document_chars`.
pub fn document(limits: &InputLimits, field: impl Into<String>, s: &str) -> AppResult<()> {
    chars_within(field, s, limits.max_document_chars)
}

fn chars_within(field: impl Into<String>, s: &str, max: usize) -> AppResult<()> {
    let n = s.chars().count();
    if n > max {
        return Err(AppError::invalid(field, format!("{n} 字超过上限 {max} 字")));
    }
    Ok(())
}

/// A request's number of lines within `max_lines`.
pub fn lines(limits: &InputLimits, field: impl Into<String>, n: usize) -> AppResult<()> {
    if n > limits.max_lines {
        return Err(AppError::invalid(
            field,
            format!("{n} 行超过上限 {} 行", limits.max_lines),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field() {
        let l = InputLimits::default();
        assert_eq!(
            quantity("quantity", 100_000, l.max_forecast_qty).unwrap(),
            100_000
        );
        let e = quantity("quantity", i64::MAX, l.max_forecast_qty).unwrap_err();
        assert!(matches!(e, AppError::Invalid { ref field, .. } if field == "quantity"));
        assert!(quantity("q", -1, 10).is_err());
        assert!(text(&l, "text", &"字".repeat(2_000)).is_ok());
        assert!(text(&l, "text", &"字".repeat(2_001)).is_err());
        assert!(lines(&l, "lines", 10_001).is_err());
    }
}
