//! 预警 — the 135 system's 0.8 rule (domain.md §6, "Warnings").
//!
//! Growth is read as the month-on-month growth index (环比发展速度) `current / previous`, so that
//! the ratio of two growths is meaningful whatever their sign. A unit (customer, brand, market) is
//! flagged when its index divided by the index of its reference group is below the configured
//! ratio (0.8). The reference group's index is the group's aggregate `Σ current / Σ previous`,
//! which a single small shop cannot swing. Units with nothing last month are not judged.
use crate::code_enum;
use crate::kpi::revenue_per_case;
use serde::Serialize;

code_enum!(
    /// The four warnings of the 135 system (§6, Yunnan 135 manual).
    WarningKind, "预警类型" {
        Customer => ("CUSTOMER", "客户预警"),
        LargeAccount => ("LARGE_ACCOUNT", "千条户预警"),
        Brand => ("BRAND", "品牌预警"),
        Market => ("MARKET", "市场预警"),
    }
);

code_enum!(
    /// Where a warning stands: found → acknowledged by the person responsible → a measure (整改措施)
    /// written → closed with a result.
    WarningStatus, "处理状态" {
        Open => ("OPEN", "待处理"),
        Acknowledged => ("ACKNOWLEDGED", "已确认"),
        Measured => ("MEASURED", "已制定措施"),
        Closed => ("CLOSED", "已关闭"),
    }
);

code_enum!(
    /// A handling step of a warning.
    WarningAction, "处理动作" {
        Acknowledge => ("ACKNOWLEDGE", "确认"),
        Measure => ("MEASURE", "制定措施"),
        Close => ("CLOSE", "关闭"),
    }
);

impl WarningStatus {
    /// The status after `action`, or why the action does not apply: a warning is acknowledged
    /// once, given a measure (which may be revised until it is closed), and closed only once it
    /// has a measure.
    pub fn after(self, action: WarningAction) -> Result<WarningStatus, &'static str> {
        use WarningAction as A;
        use WarningStatus as S;
        match (self, action) {
            (S::Closed, _) => Err("该预警已关闭"),
            (S::Open, A::Acknowledge) => Ok(S::Acknowledged),
            (_, A::Acknowledge) => Err("该预警已确认"),
            (_, A::Measure) => Ok(S::Measured),
            (S::Measured, A::Close) => Ok(S::Closed),
            (_, A::Close) => Err("请先制定整改措施再关闭"),
        }
    }

    /// Not yet closed: the warning still feeds the 135 analysis and the one-sheet draft.
    pub fn is_open(self) -> bool {
        self != WarningStatus::Closed
    }
}

/// §6 market warning: an area's volume growth index, or its 单箱 growth index, divided by that of
/// its sub-centre (the county department above it) below `threshold`. `(current, previous)`
/// pairs of (条, fen) for the area and the sub-centre; the flagged measures come back (volume
/// first), each as its [`GrowthWarning`].
pub fn market_warning(
    area: ((i64, i64), (i64, i64)), centre: ((i64, i64), (i64, i64)), threshold: f64,
) -> (Option<GrowthWarning>, Option<GrowthWarning>) {
    let ((aq, aa), (pq, pa)) = area;
    let ((cq, ca), (cpq, cpa)) = centre;
    let volume = growth_warning((aq, pq), (cq, cpq), threshold);
    let case = match (
        revenue_per_case(aa, aq),
        revenue_per_case(pa, pq),
        revenue_per_case(ca, cq),
        revenue_per_case(cpa, cpq),
    ) {
        (Some(a), Some(p), Some(c), Some(cp)) if p > 0.0 && cp > 0.0 && c > 0.0 => {
            let unit_index = a / p;
            let group_index = c / cp;
            let ratio = unit_index / group_index;
            (ratio < threshold).then_some(GrowthWarning {
                unit_index,
                group_index,
                ratio,
            })
        }
        _ => None,
    };
    (volume, case)
}

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
        // Exactly 1,000 条 is not above the line.
        assert!(!is_large_account(1000, 100.0, 1000, 3.0));
    }

    #[test]
    fn market_rule_on_volume_and_per_case() {
        // Sub-centre: 10,000 → 11,000 条 (index 1.10), 单箱 30,000 → 30,000 元 (1.00).
        // 10,000 条 at 30,000 元/箱 = 40 箱 × 30,000 元 = 120,000,000 fen.
        let centre = ((11_000, 132_000_000), (10_000, 120_000_000));
        // Area: 1,000 → 850 条 (0.85; 0.85 / 1.10 = 0.773 < 0.8), 单箱 30,000 → 21,000 (0.70).
        let area = ((850, 7_140_000), (1_000, 12_000_000));
        assert_eq!(revenue_per_case(12_000_000, 1_000), Some(30_000.0));
        assert_eq!(revenue_per_case(7_140_000, 850), Some(21_000.0));
        let (v, c) = market_warning(area, centre, 0.8);
        let v = v.unwrap();
        assert!((v.ratio - 0.85 / 1.1).abs() < 1e-12);
        let c = c.unwrap();
        assert!((c.ratio - 0.7).abs() < 1e-12);
        // An area that keeps pace is not flagged on either measure.
        let (v, c) = market_warning(((1_100, 13_200_000), (1_000, 12_000_000)), centre, 0.8);
        assert!(v.is_none() && c.is_none());
        // No volume last month: not judged.
        let (v, c) = market_warning(((500, 6_000_000), (0, 0)), centre, 0.8);
        assert!(v.is_none() && c.is_none());
    }

    #[test]
    fn handling_steps() {
        use WarningAction as A;
        use WarningStatus as S;
        assert_eq!(S::Open.after(A::Acknowledge), Ok(S::Acknowledged));
        assert!(S::Acknowledged.after(A::Acknowledge).is_err());
        assert_eq!(S::Open.after(A::Measure), Ok(S::Measured));
        assert_eq!(S::Measured.after(A::Measure), Ok(S::Measured));
        assert!(S::Acknowledged.after(A::Close).is_err());
        assert_eq!(S::Measured.after(A::Close), Ok(S::Closed));
        for a in WarningAction::ALL {
            assert!(S::Closed.after(*a).is_err());
        }
        assert!(S::Measured.is_open() && !S::Closed.is_open());
    }
}
