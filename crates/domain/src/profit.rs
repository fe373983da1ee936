//! 零售户盈利调查 (domain.md §6 零售户毛利率 `retailer_gross_margin`, target ≥ 11.2 % [S001];
//! §7 ⑥ 盈利调查): the margin formulas and which retailers a month surveys.
//!
//! - 条毛利 = actual retail price − wholesale price (分/条); 条毛利率 = 条毛利 ÷ retail price.
//! - A retailer's (or any group's) gross margin =
//!   Σ(retail × qty − wholesale × qty) ÷ Σ(retail × qty), summed over its lines in fen (i128, so
//!   no sum overflows).
//! - A line sold below the wholesale price is a price inversion (价格倒挂).
//! - Each month surveys `share` of each rep's retailers: those never surveyed first, then the
//!   longest ago, ties in the seed's order — so with a share of at least 1/12 everyone is surveyed
//!   within a year.
use serde::{Deserialize, Serialize};

/// 条毛利, 分.
pub fn carton_margin(retail_fen: i64, wholesale_fen: i64) -> i64 {
    retail_fen.saturating_sub(wholesale_fen)
}

/// 条毛利率, %.
pub fn carton_margin_pct(retail_fen: i64, wholesale_fen: i64) -> Option<f64> {
    (retail_fen > 0)
        .then(|| carton_margin(retail_fen, wholesale_fen) as f64 / retail_fen as f64 * 100.0)
}

/// Whether a price is inverted (retail below wholesale).
pub fn inverted(retail_fen: i64, wholesale_fen: i64) -> bool {
    retail_fen < wholesale_fen
}

/// The sums a gross margin is made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginSums {
    /// Σ retail × qty, 分.
    pub revenue_fen: i128,
    /// Σ (retail − wholesale) × qty, 分.
    pub margin_fen: i128,
    /// Σ qty, 条.
    pub cartons: i64,
    /// Lines sold below the wholesale price.
    pub inversions: i64,
}

impl MarginSums {
    /// Add one line: `qty` 条 sold at `retail_fen`, bought at `wholesale_fen`.
    pub fn add(&mut self, qty: i64, retail_fen: i64, wholesale_fen: i64) {
        self.revenue_fen += retail_fen as i128 * qty as i128;
        self.margin_fen += carton_margin(retail_fen, wholesale_fen) as i128 * qty as i128;
        self.cartons = self.cartons.saturating_add(qty);
        if inverted(retail_fen, wholesale_fen) {
            self.inversions += 1;
        }
    }

    pub fn merge(&mut self, o: &MarginSums) {
        self.revenue_fen += o.revenue_fen;
        self.margin_fen += o.margin_fen;
        self.cartons = self.cartons.saturating_add(o.cartons);
        self.inversions += o.inversions;
    }

    /// The gross margin, %.
    pub fn pct(&self) -> Option<f64> {
        (self.revenue_fen > 0).then(|| self.margin_fen as f64 / self.revenue_fen as f64 * 100.0)
    }
}

/// The retailers a month surveys among one rep's: `(id, last month surveyed as YYYY-MM)`;
/// ⌈share × n⌉ of them (at least one when there are any).
pub fn pick(retailers: &[(i64, Option<String>)], share_pct: f64, seed: u64, salt: u64) -> Vec<i64> {
    if retailers.is_empty() {
        return Vec::new();
    }
    let n =
        ((share_pct / 100.0 * retailers.len() as f64).ceil() as usize).clamp(1, retailers.len());
    let mut order: Vec<&(i64, Option<String>)> = retailers.iter().collect();
    order.sort_by(|a, b| {
        a.1.cmp(&b.1).then_with(|| {
            crate::inventory::draw_key(seed, salt, a.0)
                .cmp(&crate::inventory::draw_key(seed, salt, b.0))
        })
    });
    let mut ids: Vec<i64> = order.into_iter().take(n).map(|r| r.0).collect();
    ids.sort_unstable();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two SKUs: 20 条 sold at 25.00 bought at 22.00, 10 条 sold at 17.00 bought at 18.00 (an
    /// inversion): revenue 500 + 170 = 670 元, margin 60 − 10 = 50 元, 7.4627 %.
    #[test]
    fn margin_formula() {
        assert_eq!(carton_margin(2500, 2200), 300);
        assert!((carton_margin_pct(2500, 2200).unwrap() - 12.0).abs() < 1e-12);
        let mut s = MarginSums::default();
        s.add(20, 2500, 2200);
        s.add(10, 1700, 1800);
        assert_eq!(
            (s.revenue_fen, s.margin_fen, s.cartons, s.inversions),
            (67_000, 5_000, 30, 1)
        );
        assert!((s.pct().unwrap() - 5_000.0 / 67_000.0 * 100.0).abs() < 1e-12);
        assert_eq!(MarginSums::default().pct(), None);
        // no overflow on huge sums
        let mut big = MarginSums::default();
        for _ in 0..4 {
            big.add(i64::MAX / 2, 1_000_000, 1);
        }
        assert!(big.pct().unwrap() > 99.0);
    }

    #[test]
    fn everyone_is_surveyed_within_a_year() {
        let mut last: Vec<(i64, Option<String>)> = (1..=150).map(|i| (i, None)).collect();
        let mut seen = std::collections::HashSet::new();
        for m in 1..=12 {
            let month = format!("2026-{m:02}");
            let picked = pick(&last, 30.0, 7, m);
            assert_eq!(picked.len(), 45);
            for r in &mut last {
                if picked.contains(&r.0) {
                    r.1 = Some(month.clone());
                    seen.insert(r.0);
                }
            }
            if m >= 4 {
                assert_eq!(seen.len(), 150, "all surveyed by month {m}");
            }
        }
        assert_eq!(pick(&[], 30.0, 1, 1), Vec::<i64>::new());
        assert_eq!(pick(&[(9, None)], 1.0, 1, 1), vec![9]);
    }
}
