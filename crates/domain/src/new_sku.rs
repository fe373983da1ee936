//! 新品上柜 (domain.md §6 新品上柜率 and 市场覆盖率, §9.2 品牌经理: 计划 "new-SKU listing plan",
//! 评估 "cultivation effect: volume growth, share growth, listing growth"; seed 001 精细品牌培育:
//! "确保市场覆盖率和目标客户上柜率达到100%，并将结果纳入绩效考核"; 品牌进退 [W33]).
//!
//! A brand manager's listing programme names a new SKU, a target set of retailers by rule and a
//! cultivation period. The listing rate is the share of the targets that bought the SKU; at the
//! end of the period an effect review sets listing, repeat purchase (targets that bought it on two
//! order days or more, of those listed) and the plan's completion against the policy's thresholds
//! ([`crate::config::NewSkuPolicy`]) and proposes to continue, adjust or exit.
use crate::config::NewSkuPolicy;
pub use crate::kpi::pct;
use crate::period::IsoWeek;
use crate::retailer::BusinessFormat;
use chrono::NaiveDate;
use serde::Serialize;

crate::code_enum!(
    /// The effect review's outcome (品牌进退).
    Decision, "评估结论" {
        Continue => ("CONTINUE", "继续培育"),
        Adjust => ("ADJUST", "调整培育"),
        Exit => ("EXIT", "退出"),
    }
);

/// The retailer facts a target rule reads.
#[derive(Debug, Clone, Copy)]
pub struct RetailerFacts<'a> {
    pub tier: i64,
    pub business_format: &'a str,
    pub market_type: &'a str,
    pub county_id: i64,
    pub area_id: i64,
}

/// The rule that picks a programme's target retailers: every part that is given must hold; an
/// empty list means "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TargetRule {
    pub min_tier: Option<i64>,
    pub max_tier: Option<i64>,
    pub business_formats: Vec<String>,
    pub market_types: Vec<String>,
    /// Counties and market areas (org unit ids): a retailer in any of them.
    pub org_units: Vec<i64>,
}

impl TargetRule {
    pub fn matches(&self, r: &RetailerFacts) -> bool {
        self.min_tier.is_none_or(|t| r.tier >= t)
            && self.max_tier.is_none_or(|t| r.tier <= t)
            && (self.business_formats.is_empty()
                || self.business_formats.iter().any(|f| f == r.business_format))
            && (self.market_types.is_empty()
                || self.market_types.iter().any(|m| m == r.market_type))
            && (self.org_units.is_empty()
                || self
                    .org_units
                    .iter()
                    .any(|u| *u == r.county_id || *u == r.area_id))
    }
}

/// The formats that list new SKUs first (便利店、超市、烟酒商店): the demo's programmes target
/// them and the sim pushes its launches to them.
pub const FIRST_LISTING_FORMATS: [BusinessFormat; 3] = [
    BusinessFormat::Convenience,
    BusinessFormat::Supermarket,
    BusinessFormat::TobaccoLiquor,
];

/// The cumulative listing by week: for each week from `from` to `to`, the targets whose first
/// purchase fell on or before the week's Sunday, and that as % of `targets`.
pub fn listing_curve(
    first_purchases: &[NaiveDate], targets: i64, from: IsoWeek, to: IsoWeek,
) -> Vec<(IsoWeek, i64, Option<f64>)> {
    let mut firsts = first_purchases.to_vec();
    firsts.sort();
    let mut out = Vec::new();
    let mut w = from;
    let mut i = 0;
    while w <= to && out.len() < 520 {
        let end = w.day(6);
        while i < firsts.len() && firsts[i] <= end {
            i += 1;
        }
        out.push((w, i as i64, pct(i as i64, targets)));
        w = w.next();
    }
    out
}

/// What the effect review sets against the policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    pub targets: i64,
    /// Targets that bought the SKU in the period.
    pub listed: i64,
    /// Listed targets that bought it on two order days or more.
    pub repeat: i64,
    /// The planned volume of the period, 条.
    pub plan_qty: i64,
    /// The SKU's volume over the company in the period, 条.
    pub volume: i64,
}

impl Effect {
    /// 新品上柜率, %.
    pub fn listing_pct(&self) -> Option<f64> {
        pct(self.listed, self.targets)
    }
    /// 复购率: repeat buyers of the listed, %.
    pub fn repeat_pct(&self) -> Option<f64> {
        pct(self.repeat, self.listed)
    }
    /// 计划完成率, %.
    pub fn plan_pct(&self) -> Option<f64> {
        pct(self.volume, self.plan_qty)
    }

    /// The proposal with its reasons: 继续培育 when all three reach the continue thresholds;
    /// 退出 when at least two fall below the exit thresholds; else 调整培育. A measure that cannot
    /// be computed (no target, nothing listed, no plan) counts as 0.
    pub fn proposal(&self, p: &NewSkuPolicy) -> (Decision, Vec<String>) {
        let l = self.listing_pct().unwrap_or(0.0);
        let r = self.repeat_pct().unwrap_or(0.0);
        let c = self.plan_pct().unwrap_or(0.0);
        let measures = [
            ("上柜率", l, p.continue_listing_pct, p.exit_listing_pct),
            ("复购率", r, p.continue_repeat_pct, p.exit_repeat_pct),
            ("计划完成率", c, p.continue_plan_pct, p.exit_plan_pct),
        ];
        let low: Vec<String> = measures
            .iter()
            .filter(|(_, v, _, exit)| v < exit)
            .map(|(n, v, _, exit)| format!("{n} {v:.1}% 低于退出线 {exit:.0}%"))
            .collect();
        if low.len() >= 2 {
            return (Decision::Exit, low);
        }
        let short: Vec<String> = measures
            .iter()
            .filter(|(_, v, cont, _)| v < cont)
            .map(|(n, v, cont, _)| format!("{n} {v:.1}% 未达 {cont:.0}%"))
            .collect();
        if short.is_empty() {
            let all = measures
                .iter()
                .map(|(n, v, cont, _)| format!("{n} {v:.1}% ≥ {cont:.0}%"))
                .collect();
            (Decision::Continue, all)
        } else {
            (Decision::Adjust, short)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(tier: i64, f: &'a str, m: &'a str) -> RetailerFacts<'a> {
        RetailerFacts {
            tier,
            business_format: f,
            market_type: m,
            county_id: 2,
            area_id: 20,
        }
    }

    #[test]
    fn rule_holds_on_every_given_part() {
        let any = TargetRule::default();
        assert!(any.matches(&facts(1, "GROCERY", "RURAL")));
        let r = TargetRule {
            min_tier: Some(10),
            max_tier: Some(25),
            business_formats: vec!["CONVENIENCE".into(), "SUPERMARKET".into()],
            market_types: vec!["URBAN".into()],
            org_units: vec![20],
        };
        assert!(r.matches(&facts(10, "CONVENIENCE", "URBAN")));
        assert!(r.matches(&facts(25, "SUPERMARKET", "URBAN")));
        assert!(!r.matches(&facts(9, "CONVENIENCE", "URBAN")));
        assert!(!r.matches(&facts(26, "CONVENIENCE", "URBAN")));
        assert!(!r.matches(&facts(12, "GROCERY", "URBAN")));
        assert!(!r.matches(&facts(12, "CONVENIENCE", "RURAL")));
        let county = TargetRule {
            org_units: vec![2],
            ..TargetRule::default()
        };
        assert!(county.matches(&facts(1, "GROCERY", "RURAL")));
        let other = TargetRule {
            org_units: vec![3, 30],
            ..TargetRule::default()
        };
        assert!(!other.matches(&facts(1, "GROCERY", "RURAL")));
    }

    /// §6 新品上柜率 = targets that bought ÷ targets: 150 of 200 → 75 %.
    #[test]
    fn listing_rate_and_curve() {
        let e = Effect {
            targets: 200,
            listed: 150,
            repeat: 90,
            plan_qty: 10_000,
            volume: 6_000,
        };
        assert_eq!(e.listing_pct(), Some(75.0));
        assert_eq!(e.repeat_pct(), Some(60.0));
        assert_eq!(e.plan_pct(), Some(60.0));
        let w = IsoWeek::parse("2026-W10").unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // W10 is 2 – 8 March 2026.
        let firsts = [
            d("2026-03-08"),
            d("2026-03-02"),
            d("2026-03-09"),
            d("2026-03-30"),
        ];
        let c = listing_curve(&firsts, 8, w, IsoWeek::parse("2026-W12").unwrap());
        assert_eq!(c.len(), 3);
        assert_eq!((c[0].1, c[0].2), (2, Some(25.0)));
        assert_eq!((c[1].1, c[1].2), (3, Some(37.5)));
        assert_eq!(c[2].1, 3);
        assert_eq!(pct(1, 0), None);
    }

    #[test]
    fn proposal_by_the_policy() {
        let p = NewSkuPolicy::default();
        let e = |listed, repeat, volume| Effect {
            targets: 100,
            listed,
            repeat,
            plan_qty: 1000,
            volume,
        };
        // 95 % listed, 60 % repeat, 85 % of plan: continue.
        assert_eq!(e(95, 57, 850).proposal(&p).0, Decision::Continue);
        // 95 % listed but 40 % of plan: adjust, naming the plan.
        let (d, why) = e(95, 57, 400).proposal(&p);
        assert_eq!(d, Decision::Adjust);
        assert_eq!(why.len(), 1);
        assert!(why[0].contains("计划完成率"));
        // 40 % listed, 10 % repeat: exit.
        let (d, why) = e(40, 4, 900).proposal(&p);
        assert_eq!(d, Decision::Exit);
        assert_eq!(why.len(), 2);
        // nothing listed, no plan: exit.
        assert_eq!(e(0, 0, 0).proposal(&p).0, Decision::Exit);
    }
}
