//! 精益营销 KPIs of a scope and month (domain.md §6, targets §10), computed from additive monthly
//! sums ([`KpiSums`]) that the roll-ups hold for any scope: the KPI page, its drill-down, its
//! export and the tests read the same formulas from here.
use crate::code_enum;
use crate::config::KpiTargets;
use crate::money::CARTONS_PER_CASE;
use serde::Serialize;

code_enum!(
    /// The KPIs shown against their targets (§6).
    Kpi, "指标" {
        KeyBrandShare => ("KEY_BRAND_SHARE", "重点品牌销售比重"),
        NewSkuListing => ("NEW_SKU_LISTING", "新品上柜率"),
        RetailerMargin => ("RETAILER_MARGIN", "零售户毛利率"),
        ForecastAccuracy => ("FORECAST_ACCURACY", "需求预测准确率"),
        OrderFill => ("ORDER_FILL", "订单满足率"),
        Coverage => ("COVERAGE", "市场覆盖率"),
        ActiveSelling => ("ACTIVE_SELLING", "客户动销率"),
        DemandVigour => ("DEMAND_VIGOUR", "需求旺盛度"),
        Class12Share => ("CLASS12_SHARE", "一二类烟占比"),
        AvgPrice => ("AVG_PRICE", "条均价"),
        RevenuePerCase => ("REVENUE_PER_CASE", "单箱批发销售额"),
        Volume => ("VOLUME", "销量"),
    }
);

/// How many months a KPI trend shows (a year and the month before it), and how many complete
/// months back the warnings are kept detected.
pub const TREND_MONTHS: usize = 13;

/// `part / whole` in %, `None` when `whole` is 0 (every ratio KPI of §6).
pub fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// 条均价 (§6 `avg_price_per_carton`): wholesale revenue in 元 per 条, `None` without volume.
pub fn avg_price(amount_fen: i64, qty: i64) -> Option<f64> {
    (qty > 0).then(|| amount_fen as f64 / 100.0 / qty as f64)
}

/// 单箱批发销售额 (§6 `revenue_per_case`): wholesale revenue in 元 per 箱 (250 条), `None` without
/// volume.
pub fn revenue_per_case(amount_fen: i64, qty: i64) -> Option<f64> {
    avg_price(amount_fen, qty).map(|p| p * CARTONS_PER_CASE as f64)
}

/// The additive figures of a scope's month the KPIs are ratios of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct KpiSums {
    /// Σ supplied (actual purchases), 条.
    pub qty: i64,
    /// Σ amount, fen.
    pub amount_fen: i64,
    /// Σ demanded (需求量), 条.
    pub demanded: i64,
    /// Σ supplied of key-brand SKUs, 条.
    pub key_qty: i64,
    /// Σ supplied of price classes 1 and 2, 条.
    pub class12_qty: i64,
    /// Retailers that bought in the month.
    pub buyers: i64,
    /// Active retailers of the scope.
    pub active: i64,
    /// Weighted forecast accuracy of the month (§5.2), when its forecasts were closed.
    pub accuracy: Option<f64>,
    /// Retailers with a demand record (需求量 > 0) in the month.
    pub demand_retailers: i64,
    /// Retailers that bought in the three months before the month.
    pub prev3_buyers: i64,
    /// Targets of the new-SKU listing programmes running in the month.
    pub listing_targets: i64,
    /// Of those, the ones that had bought the programme's SKU by the month's end.
    pub listing_listed: i64,
    /// The month's retailer profit surveys: Σ retail × qty and Σ (retail − wholesale) × qty, fen.
    pub survey_revenue_fen: i64,
    pub survey_margin_fen: i64,
}

impl Kpi {
    /// The formula in words (shown on demand).
    pub fn formula(self) -> &'static str {
        match self {
            Kpi::KeyBrandShare => "重点品牌购进量 ÷ 全部购进量（条）× 100%",
            Kpi::NewSkuListing => {
                "当月处于培育期的新品上柜计划中，截至月末已订购该新品的目标客户数 ÷ 目标客户数 × 100%"
            }
            Kpi::RetailerMargin => {
                "当月盈利调查中 Σ(实际零售价 − 批发价) × 销量 ÷ Σ实际零售价 × 销量 × 100%"
            }
            Kpi::ForecastAccuracy => "1 − Σ|实际需求 − 预测| ÷ Σ实际需求（加权，§5.2）",
            Kpi::OrderFill => "Σ实际购进量 ÷ Σ需求量 × 100%",
            Kpi::Coverage => "本月有购进的客户数 ÷ 在册客户数 × 100%",
            Kpi::ActiveSelling => {
                "本月有购进的客户数 ÷ 前三个月有购进的客户数 × 100%（YC/T 455.3）"
            }
            Kpi::DemandVigour => {
                "本月有需求记录的客户数 ÷ 前三个月有购进的客户数 × 100%（YC/T 455.3）"
            }
            Kpi::Class12Share => "一类、二类烟购进量 ÷ 全部购进量（条）× 100%",
            Kpi::AvgPrice => "批发金额（元）÷ 购进量（条）",
            Kpi::RevenuePerCase => "批发金额（元）÷ 购进量（箱，1 箱 = 250 条）",
            Kpi::Volume => "Σ实际购进量（条）",
        }
    }

    /// The unit of the value.
    pub fn unit(self) -> &'static str {
        match self {
            Kpi::AvgPrice => "元/条",
            Kpi::RevenuePerCase => "元/箱",
            Kpi::Volume => "条",
            _ => "%",
        }
    }

    /// The policy's target (a floor), where §6/§10 set one; the others are judged against the
    /// same month last year.
    pub fn target(self, t: &KpiTargets) -> Option<f64> {
        match self {
            Kpi::KeyBrandShare => Some(t.key_brand_share_pct),
            Kpi::NewSkuListing => Some(t.new_sku_listing_pct),
            Kpi::RetailerMargin => Some(t.retailer_gross_margin_pct),
            Kpi::ForecastAccuracy => Some(t.forecast_accuracy_pct),
            _ => None,
        }
    }

    /// Whether the KPI is given for one brand's SKUs (the KPI page's brand cut): not the
    /// key-brand share (a brand is key or not); not the forecast accuracy, the demand records
    /// and the order fill, whose demand the roll-ups keep per retailer and not per brand (the
    /// per-SKU roll-up holds the demand of the lines with a purchase only); not the retailers'
    /// margin, a figure of the whole survey.
    pub fn applies_to_brand(self) -> bool {
        !matches!(
            self,
            Kpi::KeyBrandShare
                | Kpi::ForecastAccuracy
                | Kpi::DemandVigour
                | Kpi::OrderFill
                | Kpi::RetailerMargin
        )
    }

    /// Whether the KPI is given for one SKU (the KPI page's SKU cut): its volume, prices,
    /// coverage and listing; not the structure shares (0 or 100 % for one SKU), nor 动销率 (no
    /// roll-up keeps a SKU's buyers of the three months before), nor the brand cut's exclusions.
    pub fn applies_to_sku(self) -> bool {
        matches!(
            self,
            Kpi::Volume | Kpi::AvgPrice | Kpi::RevenuePerCase | Kpi::Coverage | Kpi::NewSkuListing
        )
    }

    /// The value of a month's sums; `None` where the month has nothing to divide by.
    pub fn value(self, s: &KpiSums) -> Option<f64> {
        match self {
            Kpi::KeyBrandShare => pct(s.key_qty, s.qty),
            Kpi::NewSkuListing => pct(s.listing_listed, s.listing_targets),
            Kpi::RetailerMargin => pct(s.survey_margin_fen, s.survey_revenue_fen),
            Kpi::ForecastAccuracy => s.accuracy.map(|a| a * 100.0),
            Kpi::OrderFill => pct(s.qty, s.demanded),
            Kpi::Coverage => pct(s.buyers, s.active),
            Kpi::ActiveSelling => pct(s.buyers, s.prev3_buyers),
            Kpi::DemandVigour => pct(s.demand_retailers, s.prev3_buyers),
            Kpi::Class12Share => pct(s.class12_qty, s.qty),
            Kpi::AvgPrice => avg_price(s.amount_fen, s.qty),
            Kpi::RevenuePerCase => revenue_per_case(s.amount_fen, s.qty),
            Kpi::Volume => (s.qty > 0 || s.active > 0).then_some(s.qty as f64),
        }
    }

    /// Whether a value is good: at or above the target where there is one, else not below the
    /// same month last year (`None` when neither can be judged).
    pub fn good(self, value: Option<f64>, last_year: Option<f64>, t: &KpiTargets) -> Option<bool> {
        let v = value?;
        match self.target(t) {
            Some(target) => Some(v >= target),
            None => last_year.map(|ly| v >= ly),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_on_one_month() {
        // 1,000 条 for 120,000 元 (12,000,000 fen), 900 of key brands, 300 of classes 1–2,
        // demand 1,250, 80 of 100 retailers bought, accuracy 0.93.
        let s = KpiSums {
            qty: 1_000,
            amount_fen: 12_000_000,
            demanded: 1_250,
            key_qty: 900,
            class12_qty: 300,
            buyers: 80,
            active: 100,
            accuracy: Some(0.93),
            demand_retailers: 90,
            prev3_buyers: 95,
            listing_targets: 200,
            listing_listed: 150,
            survey_revenue_fen: 67_000,
            survey_margin_fen: 5_000,
        };
        assert_eq!(Kpi::KeyBrandShare.value(&s), Some(90.0));
        // §6 零售户毛利率: 50 of 670 元 → 7.46 %, below the 11.2 % target.
        assert_eq!(
            Kpi::RetailerMargin.value(&s),
            Some(5_000.0 * 100.0 / 67_000.0)
        );
        assert_eq!(
            Kpi::RetailerMargin.target(&KpiTargets::default()),
            Some(11.2)
        );
        // §6 新品上柜率: 150 of 200 targets → 75 %, below the 100 % target.
        assert_eq!(Kpi::NewSkuListing.value(&s), Some(75.0));
        // The brand cut keeps the KPIs a brand's own SKUs can answer.
        let per_brand: Vec<Kpi> = Kpi::ALL
            .iter()
            .copied()
            .filter(|k| k.applies_to_brand())
            .collect();
        assert!(per_brand.contains(&Kpi::ActiveSelling) && per_brand.contains(&Kpi::Coverage));
        assert!(!per_brand.contains(&Kpi::KeyBrandShare) && !per_brand.contains(&Kpi::OrderFill));
        // One SKU: volume, prices, coverage, listing — no structure share, no 动销率.
        assert!(Kpi::Coverage.applies_to_sku() && Kpi::NewSkuListing.applies_to_sku());
        assert!(!Kpi::Class12Share.applies_to_sku() && !Kpi::ActiveSelling.applies_to_sku());
        assert_eq!(
            Kpi::NewSkuListing.good(Some(75.0), None, &KpiTargets::default()),
            Some(false)
        );
        assert_eq!(Kpi::OrderFill.value(&s), Some(80.0));
        assert_eq!(Kpi::Coverage.value(&s), Some(80.0));
        // 80 of the 95 that bought in the three months before; 90 with a demand record.
        assert!((Kpi::ActiveSelling.value(&s).unwrap() - 80.0 * 100.0 / 95.0).abs() < 1e-9);
        assert!((Kpi::DemandVigour.value(&s).unwrap() - 90.0 * 100.0 / 95.0).abs() < 1e-9);
        assert_eq!(Kpi::Class12Share.value(&s), Some(30.0));
        assert_eq!(Kpi::AvgPrice.value(&s), Some(120.0));
        // 条均价 = 单箱 / 250 (§6).
        assert_eq!(Kpi::RevenuePerCase.value(&s), Some(30_000.0));
        assert!((Kpi::ForecastAccuracy.value(&s).unwrap() - 93.0).abs() < 1e-9);
        let t = KpiTargets::default();
        // 90 % ≥ 89.5 % target; 93 % < 95 %.
        assert_eq!(Kpi::KeyBrandShare.good(Some(90.0), None, &t), Some(true));
        assert_eq!(
            Kpi::ForecastAccuracy.good(Some(93.0), None, &t),
            Some(false)
        );
        // No target: against last year.
        assert_eq!(Kpi::AvgPrice.good(Some(120.0), Some(118.0), &t), Some(true));
        assert_eq!(Kpi::AvgPrice.good(Some(120.0), None, &t), None);
        // Nothing bought: no ratio.
        let empty = KpiSums::default();
        assert_eq!(Kpi::KeyBrandShare.value(&empty), None);
        assert_eq!(Kpi::Volume.value(&empty), None);
    }
}
