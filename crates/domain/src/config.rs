//! Regional policy as configuration (domain.md §0.2 rule 1, design.md §4.9).
//!
//! Each section is stored as one configuration row (`key` → JSON) and falls back to the defaults
//! below, which are domain.md's. Nothing here is a constant used directly by a rule: rules take the
//! section they need as an argument.
use crate::money::Fen;
use serde::{Deserialize, Serialize};

/// §3.3.1 price-class thresholds on the ex-tax transfer price per 条.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriceClassThresholds {
    pub class1_min: Fen,
    pub class2_min: Fen,
    pub class3_min: Fen,
    /// Class 4/5 boundary: 16.5 元 is commonly cited but unverified (§3.3.1).
    pub class4_min: Fen,
}
impl Default for PriceClassThresholds {
    fn default() -> Self {
        Self {
            class1_min: Fen::from_yuan(100),
            class2_min: Fen::from_yuan(70),
            class3_min: Fen::from_yuan(30),
            class4_min: Fen(1650),
        }
    }
}

/// §2.2 staffing bands (retailers per rep) and §2.3 time-in-market minimums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Staffing {
    pub urban_min: u32,
    pub urban_max: u32,
    pub rural_min: u32,
    pub rural_max: u32,
    pub min_daily_field_hours: f64,
    pub min_daily_visits_urban: u32,
    pub min_daily_visits_rural: u32,
    pub market_manager_days_per_week: f64,
    pub brand_manager_field_share: f64,
}
impl Default for Staffing {
    fn default() -> Self {
        Self {
            urban_min: 150,
            urban_max: 180,
            rural_min: 130,
            rural_max: 150,
            min_daily_field_hours: 5.0,
            min_daily_visits_urban: 30,
            min_daily_visits_rural: 25,
            market_manager_days_per_week: 2.0,
            brand_manager_field_share: 1.0 / 3.0,
        }
    }
}

impl Staffing {
    /// The band (min, max) of retailers per rep for a market type (§2.2).
    pub fn band(&self, market: crate::retailer::MarketType) -> (u32, u32) {
        match market {
            crate::retailer::MarketType::Urban => (self.urban_min, self.urban_max),
            crate::retailer::MarketType::Rural => (self.rural_min, self.rural_max),
        }
    }
}

/// §6 warning thresholds (Yunnan 135 manual).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Warnings {
    /// Growth ratio below which a customer/brand/market is flagged (0.8).
    pub growth_ratio: f64,
    /// 千条户: monthly orders above this many 条.
    pub large_account_cartons: i64,
    /// … and above this multiple of the area average.
    pub large_account_area_multiple: f64,
}
impl Default for Warnings {
    fn default() -> Self {
        Self {
            growth_ratio: 0.8,
            large_account_cartons: 1000,
            large_account_area_multiple: 3.0,
        }
    }
}

/// KPI targets (§6, §10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KpiTargets {
    pub retailer_gross_margin_pct: f64,
    pub customer_satisfaction_pct: f64,
    pub key_brand_share_pct: f64,
    pub new_sku_listing_pct: f64,
    pub forecast_accuracy_pct: f64,
}
impl Default for KpiTargets {
    fn default() -> Self {
        Self {
            retailer_gross_margin_pct: 11.2,
            customer_satisfaction_pct: 90.0,
            key_brand_share_pct: 89.5,
            new_sku_listing_pct: 100.0,
            forecast_accuracy_pct: 95.0,
        }
    }
}

/// §7 monthly calendar: first day of each phase (the last phase is the month's last N days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonthCalendar {
    pub forecast_from: u32,
    pub submit_from: u32,
    /// The submission deadline day (the 8th).
    pub submit_day: u32,
    pub visits_from: u32,
    pub balancing_from: u32,
    pub feedback_from: u32,
    pub feedback_to: u32,
    /// Surveys and summary: the last N days of the month.
    pub summary_last_days: u32,
}
impl Default for MonthCalendar {
    fn default() -> Self {
        Self {
            forecast_from: 1,
            submit_from: 7,
            submit_day: 8,
            visits_from: 9,
            balancing_from: 17,
            feedback_from: 21,
            feedback_to: 25,
            summary_last_days: 5,
        }
    }
}

/// §5.1 forecasting policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForecastPolicy {
    /// Share of a rep's customers forecast interactively (双向互动), "选择50的重点客户" read as 50%.
    pub key_customer_share: f64,
    /// Balancing: flag a retailer whose cut exceeds this share of its forecast.
    pub balance_flag_cut_share: f64,
    /// 客户提报: wrong POS credentials allowed per customer code before it is locked [INF].
    pub pos_max_failed_attempts: u32,
    /// … and for how long (minutes) [INF].
    pub pos_lockout_minutes: u32,
}
impl Default for ForecastPolicy {
    fn default() -> Self {
        Self {
            key_customer_share: 0.5,
            balance_flag_cut_share: 0.3,
            pos_max_failed_attempts: 5,
            pos_lockout_minutes: 15,
        }
    }
}

/// Bounds on what people type (design.md §4.9: policy, not constants). A figure outside them
/// is refused with a 4xx naming the field, so no stored number can overflow a month's sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InputLimits {
    /// Largest forecast of one retailer × SKU in a month (条): rep, review or self-report.
    pub max_forecast_qty: i64,
    /// Largest supply of one SKU in a month (条) the center may enter.
    pub max_supply_qty: i64,
    /// Largest stock count of one SKU seen on a visit (条).
    pub max_stock_qty: i64,
    /// Highest retail price seen on a visit (分 per 条).
    pub max_price_fen: i64,
    /// Longest free text (comments, answers, visit traces), in characters.
    pub max_text_chars: usize,
    /// Most lines in one request (supply lines, self-report lines, visit observations).
    pub max_lines: usize,
    /// Longest whole document (a one-sheet, a 135 plan) as stored, in characters.
    pub max_document_chars: usize,
}
impl Default for InputLimits {
    fn default() -> Self {
        Self {
            max_forecast_qty: 100_000,
            max_supply_qty: 100_000_000,
            max_stock_qty: 100_000,
            max_price_fen: 10_000_000,
            max_text_chars: 2_000,
            max_lines: 10_000,
            max_document_chars: 100_000,
        }
    }
}

/// Sign-in: lockouts against password guessing and the shortest password a person may set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignInPolicy {
    /// Wrong passwords allowed for one user name within `lockout_minutes` before it is locked.
    pub max_failed_per_user: u32,
    /// … and from one client address, all user names together.
    pub max_failed_per_address: u32,
    /// The window of counting and the length of a lockout, minutes.
    pub lockout_minutes: u32,
    /// Shortest password a person may set, characters.
    pub min_password_chars: usize,
    /// A session unused this long ends (minutes): a rep's working day by default.
    pub session_idle_minutes: u32,
    /// A session ends this long after its sign-in however much it is used (hours).
    pub session_absolute_hours: u32,
}
impl Default for SignInPolicy {
    fn default() -> Self {
        Self {
            max_failed_per_user: 5,
            max_failed_per_address: 20,
            lockout_minutes: 15,
            min_password_chars: 10,
            session_idle_minutes: 12 * 60,
            session_absolute_hours: 24,
        }
    }
}

/// §4.2–§4.5 allocation policy used by balancing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllocationPolicy {
    /// Hold SKUs whose supply status is TIGHT (紧俏) to a tier-quota ladder (§4.3) in each
    /// sub-market of the SKU's allocation mode when balancing cuts them (§4.5).
    pub tight_tier_caps: bool,
}
impl Default for AllocationPolicy {
    fn default() -> Self {
        Self {
            tight_tier_caps: true,
        }
    }
}

/// 标杆终端 (§10): how many a rep keeps and the rubric they are scored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchmarkPolicy {
    /// An urban territory's target and most (3–4).
    pub urban_target: u32,
    pub urban_max: u32,
    /// A rural territory's (1–2).
    pub rural_target: u32,
    pub rural_max: u32,
    /// The score sheet: items with their maximum points.
    pub rubric: Vec<RubricItem>,
}

/// One item of the benchmark terminals' score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricItem {
    pub code: String,
    pub name: String,
    pub max: i64,
}

impl Default for BenchmarkPolicy {
    fn default() -> Self {
        let item = |code: &str, name: &str, max| RubricItem {
            code: code.into(),
            name: name.into(),
            max,
        };
        Self {
            urban_target: 3,
            urban_max: 4,
            rural_target: 1,
            rural_max: 2,
            rubric: vec![
                item("APPEARANCE", "店容店貌", 15),
                item("DISPLAY", "卷烟陈列", 20),
                item("PRICE_TAGS", "明码标价", 15),
                item("PRICE_COMPLIANCE", "价格执行", 15),
                item("LEDGER", "进销存台账", 15),
                item("INTEGRITY", "诚信经营", 10),
                item("SERVICE", "消费者服务", 10),
            ],
        }
    }
}

/// The whole policy; each field is one configuration row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    pub price_class: PriceClassThresholds,
    pub staffing: Staffing,
    pub warnings: Warnings,
    pub kpi_targets: KpiTargets,
    pub month_calendar: MonthCalendar,
    pub forecast: ForecastPolicy,
    pub one_sheet: crate::one_sheet::SheetPolicy,
    pub allocation: AllocationPolicy,
    pub limits: InputLimits,
    pub signin: SignInPolicy,
    pub benchmark: BenchmarkPolicy,
    pub new_sku: NewSkuPolicy,
    pub inventory: InventoryPolicy,
    pub profit: ProfitPolicy,
    pub satisfaction: SatisfactionPolicy,
    pub grading: crate::people::GradingPolicy,
    pub pay: crate::people::PayPolicy,
    pub tests: crate::exam::TestPolicy,
}

/// 客户满意度 (domain.md §6; see [`crate::satisfaction`]): the questionnaire, the share of each
/// rep's retailers a wave samples, the smallest group whose score is shown, and how long a wave
/// may stay open; the target is `kpi_targets.customer_satisfaction_pct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SatisfactionPolicy {
    pub questionnaire: crate::satisfaction::Questionnaire,
    /// At least this share of each rep's retailers, %.
    pub sample_pct: f64,
    /// Fewest answers a group (a rep, area, county) needs for its score to be shown.
    pub min_group: usize,
    /// Longest a wave stays open, days.
    pub max_open_days: u32,
}

impl Default for SatisfactionPolicy {
    fn default() -> Self {
        Self {
            questionnaire: crate::satisfaction::Questionnaire::default(),
            sample_pct: 10.0,
            min_group: 3,
            max_open_days: 60,
        }
    }
}

/// 零售户盈利调查 (domain.md §6 零售户毛利率, §7 ⑥; see [`crate::profit`]); the margin target is
/// `kpi_targets.retailer_gross_margin_pct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfitPolicy {
    /// Share of each rep's retailers surveyed a month, % (at least 1/12 so that everyone is
    /// surveyed within a year).
    pub share_pct: f64,
    /// Most 条 one line may report sold in a month.
    pub max_qty: i64,
    /// Most SKUs listed as pulling the margin down.
    pub low_skus: usize,
}

impl Default for ProfitPolicy {
    fn default() -> Self {
        Self {
            share_pct: 30.0,
            max_qty: 100_000,
            low_skus: 10,
        }
    }
}

/// 社会库存 (domain.md §6 retail_inventory, 存销比; §7 ⑥ 库存采集; see [`crate::inventory`]): the
/// sample design's defaults, the collection checks and bounds, and the rational 存销比 range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InventoryPolicy {
    /// Strata: the dimensions that cut the retailers (default 营销部 × 业态 × 档位段).
    pub strata_by: Vec<crate::inventory::StratumBy>,
    /// 档位段: inclusive tier ranges.
    pub tier_bands: Vec<(i64, i64)>,
    pub allocation: crate::inventory::Allocation,
    /// Target relative error of the company total at 95 %, %.
    pub target_rel_error_pct: f64,
    /// Fewest points of a stratum (so that its variance can be estimated).
    pub min_per_stratum: u64,
    /// Share of a stratum's points replaced each month, %.
    pub rotation_pct: f64,
    /// A count is flagged for confirmation when its stock exceeds this multiple of the point's
    /// purchases of the SKU in the month.
    pub stock_flag_multiple: i64,
    /// … or its retail price is off the suggested retail price by more than this, %.
    pub price_flag_pct: f64,
    /// The rational 存销比 range: period-end stock ÷ the month's sales (0.4–0.8 = stock for about
    /// 1.7 to 3.5 weeks of sales).
    pub stock_sales_low: f64,
    pub stock_sales_high: f64,
    /// A SKU whose 客户断货率 reaches this (%) is named in the market analysis report.
    pub stockout_flag_pct: f64,
    /// Bounds of one count: stock and sales (条), retail price (分/条).
    pub max_stock: i64,
    pub max_sales: i64,
    pub max_price_fen: i64,
}

impl Default for InventoryPolicy {
    fn default() -> Self {
        use crate::inventory::StratumBy;
        Self {
            strata_by: vec![StratumBy::County, StratumBy::Format, StratumBy::TierBand],
            tier_bands: vec![(1, 10), (11, 20), (21, 30)],
            allocation: crate::inventory::Allocation::Neyman,
            target_rel_error_pct: 5.0,
            min_per_stratum: 2,
            rotation_pct: 25.0,
            stock_flag_multiple: 10,
            price_flag_pct: 50.0,
            stock_sales_low: 0.4,
            stock_sales_high: 0.8,
            stockout_flag_pct: 20.0,
            max_stock: 100_000,
            max_sales: 100_000,
            max_price_fen: 1_000_000,
        }
    }
}

/// 新品上柜 (domain.md §6 新品上柜率, §9.2 品牌经理 新品上柜计划 and 培育效果): the programmes'
/// bounds and the thresholds of the effect review's proposal (see [`crate::new_sku`]); the
/// listing target itself is `kpi_targets.new_sku_listing_pct`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewSkuPolicy {
    /// A programme's cultivation period when the SKU has no 培育期 end, in weeks.
    pub default_weeks: u32,
    /// Longest programme, in weeks.
    pub max_weeks: u32,
    /// Largest planned volume of a programme, 条.
    pub max_plan_qty: i64,
    /// Proposal 继续培育 when listing ≥ this, repeat purchase ≥ `continue_repeat_pct` and plan
    /// completion ≥ `continue_plan_pct` (all %).
    pub continue_listing_pct: f64,
    pub continue_repeat_pct: f64,
    pub continue_plan_pct: f64,
    /// Proposal 退出 when at least two of listing, repeat purchase and plan completion fall below
    /// these (%); otherwise 调整培育.
    pub exit_listing_pct: f64,
    pub exit_repeat_pct: f64,
    pub exit_plan_pct: f64,
    /// Most unlisted retailers named in a one-sheet proposal.
    pub sheet_names: usize,
}

impl Default for NewSkuPolicy {
    fn default() -> Self {
        Self {
            default_weeks: 26,
            max_weeks: 104,
            max_plan_qty: 100_000_000,
            continue_listing_pct: 90.0,
            continue_repeat_pct: 50.0,
            continue_plan_pct: 80.0,
            exit_listing_pct: 50.0,
            exit_repeat_pct: 20.0,
            exit_plan_pct: 40.0,
            sheet_names: 8,
        }
    }
}

/// Configuration keys and their Chinese descriptions, in display order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("price_class", "价类划分阈值（不含税调拨价，分/条）"),
    ("staffing", "客户经理配置标准与在岗时间"),
    ("warnings", "预警阈值"),
    ("kpi_targets", "考核指标目标值"),
    ("month_calendar", "月度工作日历"),
    ("forecast", "需求预测与修正平衡"),
    ("one_sheet", "一张纸工作法与客户拜访"),
    ("allocation", "货源投放与紧俏规格档位限量"),
    ("limits", "录入数值与文字上限"),
    ("signin", "登录安全（失败锁定、密码长度）"),
    ("benchmark", "标杆终端（数量与评分细则）"),
    ("new_sku", "新品上柜（培育期、计划上限与效果评估阈值）"),
    (
        "inventory",
        "社会库存（抽样设计、采集核对与存销比合理区间）",
    ),
    ("profit", "零售户盈利调查（抽查比例与录入上限）"),
    ("satisfaction", "客户满意度（问卷、抽样比例与最小分组）"),
    (
        "grading",
        "客户经理竞聘定级（学历与年限分、评议权重、定级分数线、公示天数）",
    ),
    (
        "pay",
        "客户经理薪酬（岗位工资、浮动工资、效益工资系数、年功工资）",
    ),
    ("tests", "应知应会月度测试（题量、答题时限、开放天数）"),
];

impl Policy {
    /// The rows to store: key → JSON value.
    pub fn to_rows(&self) -> Vec<(&'static str, serde_json::Value)> {
        let v = serde_json::to_value(self).expect("policy serialises");
        SECTIONS
            .iter()
            .map(|(k, _)| (*k, v.get(*k).cloned().unwrap_or(serde_json::Value::Null)))
            .collect()
    }

    /// Build from stored rows; unknown keys are ignored, missing ones take the defaults.
    pub fn from_rows<'a>(
        rows: impl IntoIterator<Item = (&'a str, serde_json::Value)>,
    ) -> Result<Policy, crate::ParseError> {
        let mut map = serde_json::Map::new();
        for (k, v) in rows {
            map.insert(k.to_string(), v);
        }
        serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| crate::ParseError::new("配置", format!("配置无法解析: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_roundtrip_and_defaults() {
        let p = Policy::default();
        let rows = p.to_rows();
        assert_eq!(rows.len(), SECTIONS.len());
        let back = Policy::from_rows(rows.iter().map(|(k, v)| (*k, v.clone()))).unwrap();
        assert_eq!(back, p);
        let partial =
            Policy::from_rows([("warnings", serde_json::json!({"growth_ratio": 0.75}))]).unwrap();
        assert_eq!(partial.warnings.growth_ratio, 0.75);
        assert_eq!(partial.warnings.large_account_cartons, 1000);
        assert_eq!(partial.staffing, Staffing::default());
    }
}
