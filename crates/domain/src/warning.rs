//! 预警 — the 135 system's 0.8 rule (domain.md §6, "Warnings").
//!
//! Growth is read as the month-on-month growth index (环比发展速度) `current / previous`, so that
//! the ratio of two growths is meaningful whatever their sign. A unit (customer, brand, market) is
//! flagged when its index divided by the index of its reference group is below the configured
//! ratio (0.8). The reference group's index is the group's aggregate `Σ current / Σ previous`,
//! which a single small shop cannot swing. Units with nothing last month are not judged.
use serde::Serialize;

/// The growth index `current / previous`, or `None` when there was nothing last month.
pub fn growth_index(current: i64, previous: i64) -> Option<f64> {
    (previous > 0).then(|| current as f64 / previous as f64)
}

/// The outcome of the 0.8 rule for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthWarning {
    pub unit_index: f64,
    pub group_index: f64,
    /// unit_index / group_index.
    pub ratio: f64,
}

/// §6: flag when `growth(unit) / growth(group) < threshold`. `None` when the unit is not judged
/// (no previous volume, or a group with no previous volume) or is not flagged.
pub fn growth_warning(
    unit: (i64, i64), group: (i64, i64), threshold: f64,
) -> Option<GrowthWarning> {
    let unit_index = growth_index(unit.0, unit.1)?;
    let group_index = growth_index(group.0, group.1)?;
    if group_index <= 0.0 {
        return None;
    }
    let ratio = unit_index / group_index;
    (ratio < threshold).then_some(GrowthWarning {
        unit_index,
        group_index,
        ratio,
    })
}

/// §6 千条户: monthly orders above `cartons` and above `multiple` × the area average.
pub fn is_large_account(monthly: i64, area_average: f64, cartons: i64, multiple: f64) -> bool {
    monthly > cartons && monthly as f64 > multiple * area_average
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_eight_rule() {
        // Group grew 10 % (1.10); a unit at 0.85 has ratio 0.7727 < 0.8 → flagged.
        let w = growth_warning((85, 100), (1100, 1000), 0.8).unwrap();
        assert!((w.ratio - 0.85 / 1.1).abs() < 1e-12);
        // A unit at 0.90 → 0.818 ≥ 0.8 → not flagged.
        assert!(growth_warning((90, 100), (1100, 1000), 0.8).is_none());
        // Nothing last month → not judged.
        assert!(growth_warning((50, 0), (1100, 1000), 0.8).is_none());
        assert!(is_large_account(1200, 300.0, 1000, 3.0));
        assert!(!is_large_account(1200, 500.0, 1000, 3.0));
    }
}
