//! 标杆终端 (domain.md §10 精诚打造终端, seed 001): each account manager keeps 3–4 benchmark
//! terminals among the modern terminals of their territory (rural territories 1–2), scores each
//! on the policy's rubric at visits, and spends one in-store service day (驻店式服务) a month in
//! each. The numbers are policy ([`crate::config::BenchmarkPolicy`]).
use crate::config::BenchmarkPolicy;
use crate::retailer::MarketType;
use std::collections::BTreeMap;

impl BenchmarkPolicy {
    /// (target, most) benchmark terminals of a rep whose territory is of this market type.
    pub fn band(&self, market: MarketType) -> (u32, u32) {
        match market {
            MarketType::Urban => (self.urban_target, self.urban_max),
            MarketType::Rural => (self.rural_target, self.rural_max),
        }
    }

    /// The rubric's full score.
    pub fn full_score(&self) -> i64 {
        self.rubric.iter().map(|i| i.max).sum()
    }

    /// The total of a score sheet: every rubric item given, each within 0..=its maximum, no
    /// unknown item; `Err((item code, message))` otherwise.
    pub fn score(&self, items: &BTreeMap<String, i64>) -> Result<i64, (String, String)> {
        for code in items.keys() {
            if !self.rubric.iter().any(|i| &i.code == code) {
                return Err((code.clone(), format!("评分细则中没有「{code}」")));
            }
        }
        let mut total = 0;
        for i in &self.rubric {
            let v = *items
                .get(&i.code)
                .ok_or_else(|| (i.code.clone(), format!("请为「{}」评分", i.name)))?;
            if !(0..=i.max).contains(&v) {
                return Err((
                    i.code.clone(),
                    format!("「{}」的得分应在 0–{} 之间，收到 {v}", i.name, i.max),
                ));
            }
            total += v;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_and_rubric() {
        let p = BenchmarkPolicy::default();
        assert_eq!(p.band(MarketType::Urban), (3, 4));
        assert_eq!(p.band(MarketType::Rural), (1, 2));
        assert_eq!(p.full_score(), 100);
        let mut items: BTreeMap<String, i64> =
            p.rubric.iter().map(|i| (i.code.clone(), i.max)).collect();
        assert_eq!(p.score(&items), Ok(100));
        items.insert("DISPLAY".into(), 12);
        assert_eq!(p.score(&items), Ok(92));
        items.insert("DISPLAY".into(), 21);
        assert_eq!(p.score(&items).unwrap_err().0, "DISPLAY");
        items.insert("DISPLAY".into(), 20);
        items.insert("MUSIC".into(), 1);
        assert_eq!(p.score(&items).unwrap_err().0, "MUSIC");
        items.remove("MUSIC");
        items.remove("LEDGER");
        assert_eq!(p.score(&items).unwrap_err().0, "LEDGER");
    }
}
