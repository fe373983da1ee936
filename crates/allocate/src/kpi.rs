//! KPIs of allocation (domain.md §6, §4.4): 订单满足率 `order_fill_rate` = Σ supplied / Σ demanded
//! and 订足率 `quota_uptake_rate` = Σ ordered / Σ quota offered, per SKU, tier and sub-market.
//! Pure functions over a slice of order lines; rates are kept as exact integer fractions.
use crate::Tier;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One order line (domain.md §13 `order_line`), with the sub-market it was allocated in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub tier: Tier,
    pub submarket: String,
    /// 需求量: the retailer's requested quantity.
    pub demanded: u64,
    /// 限量 offered to this retailer; `None` = no quota (on demand), excluded from 订足率.
    pub quota: Option<u64>,
    /// 订购量
    pub ordered: u64,
    /// 实际购进量 (supplied)
    pub supplied: u64,
}

/// An exact ratio; `value()` is for display only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    /// `None` when the denominator is 0 (no demand / no quota offered).
    pub fn value(self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 / self.den as f64)
    }
}

/// Grouping of the KPI rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupBy {
    Sku,
    SkuTier,
    SkuSubmarket,
    SkuSubmarketTier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiRow {
    pub sku: String,
    pub submarket: Option<String>,
    pub tier: Option<Tier>,
    pub lines: u64,
    pub demanded: u64,
    pub supplied: u64,
    pub ordered: u64,
    pub quota_offered: u64,
    /// 订单满足率 = supplied / demanded
    pub order_fill_rate: Ratio,
    /// 订足率 = ordered (on quota lines) / quota offered
    pub quota_uptake_rate: Ratio,
}

/// KPI rows grouped as asked, sorted by SKU, sub-market, tier (descending).
pub fn allocation_kpis(lines: &[OrderLine], group: GroupBy) -> Vec<KpiRow> {
    type Key = (String, Option<String>, Option<std::cmp::Reverse<Tier>>);
    let mut acc: BTreeMap<Key, [u64; 6]> = BTreeMap::new();
    for l in lines {
        let (sm, tier) = match group {
            GroupBy::Sku => (None, None),
            GroupBy::SkuTier => (None, Some(std::cmp::Reverse(l.tier))),
            GroupBy::SkuSubmarket => (Some(l.submarket.clone()), None),
            GroupBy::SkuSubmarketTier => {
                (Some(l.submarket.clone()), Some(std::cmp::Reverse(l.tier)))
            }
        };
        let a = acc.entry((l.sku.clone(), sm, tier)).or_default();
        a[0] += 1;
        a[1] += l.demanded;
        a[2] += l.supplied;
        a[3] += l.ordered;
        if let Some(q) = l.quota {
            a[4] += q;
            a[5] += l.ordered;
        }
    }
    acc.into_iter()
        .map(|((sku, submarket, tier), a)| KpiRow {
            sku,
            submarket,
            tier: tier.map(|t| t.0),
            lines: a[0],
            demanded: a[1],
            supplied: a[2],
            ordered: a[3],
            quota_offered: a[4],
            order_fill_rate: Ratio {
                num: a[2],
                den: a[1],
            },
            quota_uptake_rate: Ratio {
                num: a[5],
                den: a[4],
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_and_uptake() {
        let t = |v| Tier::new(v).unwrap();
        let lines = vec![
            OrderLine {
                sku: "A".into(),
                tier: t(30),
                submarket: "城网".into(),
                demanded: 10,
                quota: Some(5),
                ordered: 5,
                supplied: 5,
            },
            OrderLine {
                sku: "A".into(),
                tier: t(10),
                submarket: "农网".into(),
                demanded: 4,
                quota: Some(2),
                ordered: 1,
                supplied: 1,
            },
            OrderLine {
                sku: "A".into(),
                tier: t(10),
                submarket: "农网".into(),
                demanded: 6,
                quota: None,
                ordered: 6,
                supplied: 6,
            },
        ];
        let rows = allocation_kpis(&lines, GroupBy::Sku);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].order_fill_rate, Ratio { num: 12, den: 20 });
        assert_eq!(rows[0].quota_uptake_rate, Ratio { num: 6, den: 7 });
        let by_tier = allocation_kpis(&lines, GroupBy::SkuSubmarketTier);
        assert_eq!(by_tier.len(), 2);
        assert_eq!(by_tier[0].submarket.as_deref(), Some("农网"));
        assert_eq!(by_tier[1].quota_uptake_rate.value(), Some(1.0));
    }
}
