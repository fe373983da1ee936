//! 客户经理一张纸工作法 — the rep's one-sheet, one per rep per ISO week (domain.md §8, seed 002).
//!
//! The six blocks (§8.2): 营销目标 (B1), 工作任务 (B2), 执行跟踪 (B3), 改进措施 (B4), 沟通绿色通道
//! (B5) and 信息系统链接区 (B6), around the PDCA header (§8.4: P = B1+B2, D = visits, C = B3,
//! A = B4 carried into next week's B2). [`SheetContent`] is what the rep writes; figures that
//! come from data (actuals, plan vs done) are computed when the sheet is read.
use crate::code_enum;
use crate::period::{IsoWeek, Month};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Status of a sheet (§8.2): the rep drafts and submits, the market manager reviews.
    SheetStatus, "状态" {
        Draft => ("DRAFT", "草稿"),
        Submitted => ("SUBMITTED", "已提交"),
        Reviewed => ("REVIEWED", "已审阅"),
    }
);

code_enum!(
    /// The 7 categories of the checklist (核查清单, §8.3, seed 002).
    ChecklistCategory, "清单分项" {
        CustomerService => ("CUSTOMER_SERVICE", "服务客户"),
        MarketAnalysis => ("MARKET_ANALYSIS", "市场分析"),
        InfoCollection => ("INFO_COLLECTION", "信息采集"),
        TerminalBuilding => ("TERMINAL_BUILDING", "终端建设"),
        IntegrityGroup => ("INTEGRITY_GROUP", "诚信互助小组"),
        IndustryCollabInfo => ("INDUSTRY_COLLAB_INFO", "获取工商协同信息"),
        OtherAdhoc => ("OTHER_ADHOC", "其他及临时工作"),
    }
);

impl ChecklistCategory {
    /// Proposed sub-items of the category (§8.3, [INF]).
    pub fn items(self) -> &'static [&'static str] {
        match self {
            ChecklistCategory::CustomerService => &[
                "订货指导与合理定量",
                "陈列与店面形象指导",
                "明码标价指导",
                "动销台帐指导",
                "客户盈利分析",
                "品牌与新品推介",
                "政策宣传",
                "投诉处理与回访",
                "困难群体帮扶",
                "现代终端驻店服务",
                "网上订货与支付帮助",
            ],
            ChecklistCategory::MarketAnalysis => &[
                "区域销量与结构",
                "品牌动销",
                "实际零售价与指导价",
                "社会库存与存销比",
                "客户盈利水平",
                "异常波动（大户、骤降）",
                "竞品与消费者反馈",
            ],
            ChecklistCategory::InfoCollection => &[
                "采集点数据（进、销、存、价）",
                "客户基础信息变更",
                "断货天数",
                "直接服务需求",
                "社会库存调查",
                "盈利调查",
            ],
            ChecklistCategory::TerminalBuilding => &[
                "现代终端选点",
                "陈列标准落实",
                "标识与价签",
                "POS 与终端设备",
                "标杆店维护",
            ],
            ChecklistCategory::IntegrityGroup => &[
                "组织小组活动",
                "诚信守法提醒",
                "自律承诺",
                "组长联络",
                "活动记录",
            ],
            ChecklistCategory::IndustryCollabInfo => &[
                "工业企业品牌活动",
                "新品上市信息",
                "品牌信息反馈工业企业",
                "工商协同拜访",
            ],
            ChecklistCategory::OtherAdhoc => {
                &["上级交办任务", "专项检查", "培训与会议", "应急订单"]
            }
        }
    }
}

code_enum!(
    /// The three counterparts of the green channel (沟通绿色通道, §8.2 B5).
    Counterpart, "沟通对象" {
        MarketingDirector => ("MARKETING_DIRECTOR", "营销主任"),
        MonopolyOfficer => ("MONOPOLY_OFFICER", "专卖人员"),
        Retailer => ("RETAILER", "零售客户"),
    }
);

code_enum!(
    /// What a green-channel item is about (§8.2 B5 ticks).
    GreenKind, "沟通事项" {
        MarketStatus => ("MARKET_STATUS", "市场状态"),
        Suggestion => ("SUGGESTION", "意见建议"),
        Anomaly => ("ANOMALY", "异常情况"),
        Notice => ("NOTICE", "告知提醒"),
    }
);

code_enum!(
    /// How a green-channel item was passed on (沟通方式).
    Channel, "沟通方式" {
        Platform => ("PLATFORM", "平台"),
        Phone => ("PHONE", "电话"),
        WeChat => ("WECHAT", "微信"),
        InPerson => ("IN_PERSON", "当面"),
    }
);

code_enum!(
    /// Handling of a green-channel item by its recipient (received, answered, closed).
    GreenStatus, "处理状态" {
        Sent => ("SENT", "已发送"),
        Received => ("RECEIVED", "已接收"),
        Answered => ("ANSWERED", "已答复"),
        Closed => ("CLOSED", "已关闭"),
    }
);

impl GreenStatus {
    /// The allowed handling steps: SENT → RECEIVED → ANSWERED → CLOSED (a step may be skipped
    /// forward, never backward).
    pub fn can_move_to(self, next: GreenStatus) -> bool {
        (next as u8) > (self as u8)
    }
}

/// Policy of the one-sheet and of visits (configuration section `one_sheet`, defaults from
/// domain.md §8.2 and §2.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SheetPolicy {
    /// ≤ 5 ticked checklist items per week (§8.2, hard rule).
    pub max_ticks: usize,
    /// Submission deadline: weekday (1 = Monday … 5 = Friday) and hour, China time ("Friday
    /// afternoon", §7/§8.2 [INF]: 18:00).
    pub submit_weekday: u32,
    pub submit_hour: u32,
    /// Working days per week that need a tracking entry before submit (Mon–Fri).
    pub working_days: u32,
    /// 拜访周期: a retailer is overdue when not visited for more than this many days (routes
    /// are walked weekly) [INF].
    pub visit_cycle_days: i64,
    /// A market manager's day counts as "in the market" from this many hours [INF].
    pub market_day_min_hours: f64,
    /// Working hours per day for the brand manager's 1/3 rule [INF].
    pub hours_per_working_day: f64,
}

impl Default for SheetPolicy {
    fn default() -> Self {
        Self {
            max_ticks: 5,
            submit_weekday: 5,
            submit_hour: 18,
            working_days: 5,
            visit_cycle_days: 7,
            market_day_min_hours: 4.0,
            hours_per_working_day: 8.0,
        }
    }
}

/// B1: one indicator of the marketing targets (the actual and gap are computed on read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Target {
    /// Stable indicator code: VOLUME, KEY_BRAND_SHARE, AVG_PRICE, VISITS, FIELD_HOURS, …
    pub code: String,
    pub indicator: String,
    pub unit: String,
    pub target: f64,
}

/// B2: one ticked checklist item with its concrete method (具体做法).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    pub category: ChecklistCategory,
    pub item: String,
    #[serde(default)]
    pub method: String,
}

/// B2: one customer of a day's visit plan with the service focus (每户服务重点).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PlannedVisit {
    pub customer_code: String,
    pub service_focus: String,
}

/// B2: a day's visit plan (1 = Monday … 7 = Sunday): the day's focus (拜访重点) and customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DayPlan {
    pub day: u32,
    pub focus: String,
    pub visits: Vec<PlannedVisit>,
}

/// B3: a day's tracking written by the rep (plan vs done comes from the visits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DayTrack {
    pub day: u32,
    pub main_indicators: String,
    pub adhoc: String,
    pub problem: String,
    pub improvement: String,
}

impl DayTrack {
    pub fn is_filled(&self) -> bool {
        [
            &self.main_indicators,
            &self.adhoc,
            &self.problem,
            &self.improvement,
        ]
        .iter()
        .any(|s| !s.trim().is_empty())
    }
}

/// B4: the week's summary, problems and measures (carried into next week's B2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Improvement {
    pub summary: String,
    pub problems: String,
    pub measures: String,
}

/// What the rep writes on the sheet (B1 targets, B2, B3, B4); B5 items live in their own records
/// and B6 links are fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SheetContent {
    pub targets: Vec<Target>,
    /// 回顾并导入上周问题.
    pub carried_over: Vec<String>,
    /// Proposed priorities from the data (warnings, overdue visits); the rep picks one.
    pub proposed_priorities: Vec<String>,
    /// 问最执一: the single most critical task of the week.
    pub top_priority: String,
    pub checklist: Vec<Tick>,
    pub visit_plan: Vec<DayPlan>,
    pub tracking: Vec<DayTrack>,
    pub improvement: Improvement,
}

/// Why a sheet is refused: bad input (400) or a broken rule of the method (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Rule(String),
}

fn invalid(field: &str, message: impl Into<String>) -> SheetError {
    SheetError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

/// §8.2 validation of what the rep writes: ≤ `max_ticks` ticks, each with its concrete method,
/// days 1–7 once each, texts of bounded length. The ownership of planned customers is checked by
/// the caller (it needs the data).
pub fn validate(c: &SheetContent, p: &SheetPolicy) -> Result<(), SheetError> {
    if c.checklist.len() > p.max_ticks {
        return Err(SheetError::Rule(format!(
            "核查清单每周勾选的重点任务不超过 {} 项，本次勾选了 {} 项，请删去 {} 项",
            p.max_ticks,
            c.checklist.len(),
            c.checklist.len() - p.max_ticks
        )));
    }
    for (i, t) in c.checklist.iter().enumerate() {
        if t.item.trim().is_empty() {
            return Err(invalid(&format!("checklist[{i}].item"), "请填写勾选的细项"));
        }
        if t.method.trim().is_empty() {
            return Err(SheetError::Rule(format!(
                "第 {} 项重点任务「{}·{}」须填写具体做法",
                i + 1,
                t.category.zh(),
                t.item.trim()
            )));
        }
    }
    let mut seen = [false; 8];
    for (i, d) in c.visit_plan.iter().enumerate() {
        if !(1..=7).contains(&d.day) {
            return Err(invalid(
                &format!("visit_plan[{i}].day"),
                "星期应为 1（周一）到 7（周日）",
            ));
        }
        if std::mem::replace(&mut seen[d.day as usize], true) {
            return Err(invalid(
                &format!("visit_plan[{i}].day"),
                format!("{} 的拜访计划重复", weekday_zh(d.day)),
            ));
        }
    }
    let mut seen = [false; 8];
    for (i, d) in c.tracking.iter().enumerate() {
        if !(1..=7).contains(&d.day) {
            return Err(invalid(
                &format!("tracking[{i}].day"),
                "星期应为 1（周一）到 7（周日）",
            ));
        }
        if std::mem::replace(&mut seen[d.day as usize], true) {
            return Err(invalid(
                &format!("tracking[{i}].day"),
                format!("{} 的执行跟踪重复", weekday_zh(d.day)),
            ));
        }
    }
    let long = |s: &str| s.chars().count() > 2000;
    if long(&c.top_priority) || long(&c.improvement.summary) || long(&c.improvement.problems) {
        return Err(invalid(
            "text",
            "单项文字不超过 2000 字（写要点，而非写文章）",
        ));
    }
    Ok(())
}

/// §8.2 before weekly submit: the working days without a tracking entry.
pub fn missing_tracking_days(c: &SheetContent, p: &SheetPolicy) -> Vec<u32> {
    (1..=p.working_days.min(7))
        .filter(|d| !c.tracking.iter().any(|t| t.day == *d && t.is_filled()))
        .collect()
}

/// 周一 … 周日.
pub fn weekday_zh(day: u32) -> &'static str {
    match day {
        1 => "周一",
        2 => "周二",
        3 => "周三",
        4 => "周四",
        5 => "周五",
        6 => "周六",
        7 => "周日",
        _ => "—",
    }
}

/// The submission deadline of a week's sheet (Friday 18:00 China time by default), as UTC.
pub fn deadline(week: IsoWeek, p: &SheetPolicy) -> DateTime<Utc> {
    let day = week.day(p.submit_weekday.clamp(1, 7) - 1);
    day.and_hms_opt(p.submit_hour.min(23), 0, 0)
        .expect("hour")
        .and_utc()
        - Duration::hours(crate::visit::CHINA_OFFSET_HOURS)
}

/// §8.4 A → next P: last week's problems and measures become this week's carried-over items.
pub fn carry_over(prev: &SheetContent) -> Vec<String> {
    let lines = |prefix: &str, s: &str| -> Vec<String> {
        s.split(['\n', '；', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| format!("{prefix}{l}"))
            .collect()
    };
    let mut out = lines("上周问题：", &prev.improvement.problems);
    out.extend(lines("改进措施：", &prev.improvement.measures));
    out
}

/// Working days (Mon–Fri) of a month.
pub fn month_working_days(m: Month) -> u32 {
    (1..=m.days())
        .filter(|d| !matches!(m.day(*d).weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u32
}

/// §8.1 月目标→周计划: a week's share of a monthly quantity, by working days
/// (`monthly × working days of the week / working days of its month`).
pub fn weekly_share(monthly: f64, week: IsoWeek, p: &SheetPolicy) -> f64 {
    let wd = month_working_days(week.month()).max(1) as f64;
    monthly * p.working_days.min(5) as f64 / wd
}

/// The date of day `day` (1 = Monday) of a week.
pub fn date_of(week: IsoWeek, day: u32) -> NaiveDate {
    week.day(day.clamp(1, 7) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(method: &str) -> Tick {
        Tick {
            category: ChecklistCategory::CustomerService,
            item: "订货指导与合理定量".into(),
            method: method.into(),
        }
    }

    #[test]
    fn at_most_five_ticks_each_with_a_method() {
        let p = SheetPolicy::default();
        let mut c = SheetContent {
            checklist: (0..5).map(|_| tick("逐户核对库存")).collect(),
            ..Default::default()
        };
        assert!(validate(&c, &p).is_ok());
        c.checklist.push(tick("再加一项"));
        let e = validate(&c, &p).unwrap_err();
        assert!(matches!(e, SheetError::Rule(_)));
        assert!(e.to_string().contains("不超过 5 项"));
        c.checklist.truncate(4);
        c.checklist.push(tick(" "));
        assert!(e_contains(validate(&c, &p), "具体做法"));
    }

    fn e_contains(r: Result<(), SheetError>, s: &str) -> bool {
        r.err().is_some_and(|e| e.to_string().contains(s))
    }

    #[test]
    fn days_and_tracking() {
        let p = SheetPolicy::default();
        let mut c = SheetContent::default();
        c.visit_plan.push(DayPlan {
            day: 8,
            ..Default::default()
        });
        assert!(matches!(validate(&c, &p), Err(SheetError::Invalid { .. })));
        c.visit_plan = vec![DayPlan {
            day: 1,
            ..Default::default()
        }];
        assert!(validate(&c, &p).is_ok());
        c.tracking = vec![DayTrack {
            day: 2,
            problem: "断货".into(),
            ..Default::default()
        }];
        assert_eq!(missing_tracking_days(&c, &p), vec![1, 3, 4, 5]);
    }

    #[test]
    fn deadline_is_friday_afternoon_china_time() {
        let w = IsoWeek::parse("2026-W47").unwrap();
        assert_eq!(
            deadline(w, &SheetPolicy::default()).to_rfc3339(),
            "2026-11-20T10:00:00+00:00"
        );
    }

    #[test]
    fn improvement_carries_over() {
        let prev = SheetContent {
            improvement: Improvement {
                summary: "完成".into(),
                problems: "3户断货".into(),
                measures: "周二前补货；周三回访\n跟进价签".into(),
            },
            ..Default::default()
        };
        assert_eq!(
            carry_over(&prev),
            vec![
                "上周问题：3户断货",
                "改进措施：周二前补货",
                "改进措施：周三回访",
                "改进措施：跟进价签"
            ]
        );
    }

    #[test]
    fn weekly_share_by_working_days() {
        let w = IsoWeek::parse("2026-W47").unwrap(); // November 2026: 21 working days
        assert_eq!(month_working_days(w.month()), 21);
        assert!((weekly_share(2100.0, w, &SheetPolicy::default()) - 500.0).abs() < 1e-9);
        assert_eq!(ChecklistCategory::ALL.len(), 7);
        assert!(GreenStatus::Sent.can_move_to(GreenStatus::Answered));
        assert!(!GreenStatus::Closed.can_move_to(GreenStatus::Received));
    }
}
