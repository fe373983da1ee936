//! The month as the platform runs it (domain.md §7, §5.1): the six phases of a county department's
//! month, their days (configuration, [`MonthCalendar`]), owners, gates and locks; and the forecast
//! methods with their precedence (§5.1).
//!
//! Month naming: in the *working month* `C` the reps forecast the *target month* `C + 1`
//! (phase ① "next month's demand"); balancing (④) and feedback (⑤) in `C` are about `C + 1` too.
//! The accuracy of a target month is known once its own orders are in (after `C + 1` ends).
use crate::config::MonthCalendar;
use crate::org::Role;
use crate::period::Month;
use crate::{ParseError, code_enum};
use chrono::NaiveDate;
use serde::Serialize;

code_enum!(
    /// The six phases of the month (domain.md §7).
    Phase, "阶段" {
        Forecast => ("FORECAST", "①市场需求预测"),
        Submit => ("SUBMIT", "②汇总提交"),
        Visits => ("VISITS", "③客户日常拜访"),
        Balancing => ("BALANCING", "④修正平衡"),
        Feedback => ("FEEDBACK", "⑤客户拜访·信息反馈"),
        Summary => ("SUMMARY", "⑥库存采集·盈利调查·总结"),
    }
);

code_enum!(
    /// The three forecast methods of domain.md §5.1.
    ForecastMethod, "预测方法" {
        InteractiveVisit => ("INTERACTIVE_VISIT", "双向互动"),
        CustomerSelfReport => ("CUSTOMER_SELF_REPORT", "客户提报"),
        Model => ("MODEL", "模型预测"),
    }
);

code_enum!(
    /// The state of a forecast record: entered, submitted (locked, day 8), published after
    /// balancing (§4.5, the only change after submission).
    ForecastState, "预测状态" {
        Draft => ("DRAFT", "草稿"),
        Submitted => ("SUBMITTED", "已提交"),
        Published => ("PUBLISHED", "已平衡发布"),
    }
);

/// The figures one retailer × SKU × month record keeps, one per method (§5.1: one record, the
/// other methods' figures kept for comparison).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MethodFigures {
    pub model: Option<i64>,
    pub interactive: Option<i64>,
    /// The retailer's own figure (POS).
    pub self_report: Option<i64>,
    /// The rep's reviewed figure of a self-report, once reviewed.
    pub self_report_reviewed: Option<i64>,
}

/// One of the figures a record keeps (one column of the forecast record each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// The rep's reviewed figure of the retailer's self-report.
    SelfReportReviewed,
    Interactive,
    Model,
    /// The retailer's own figure, not yet reviewed.
    SelfReport,
}

impl Figure {
    /// The method a figure in force is shown as.
    pub fn method(self) -> ForecastMethod {
        match self {
            Figure::SelfReportReviewed | Figure::SelfReport => ForecastMethod::CustomerSelfReport,
            Figure::Interactive => ForecastMethod::InteractiveVisit,
            Figure::Model => ForecastMethod::Model,
        }
    }

    /// This figure of a record, if present.
    pub fn of(self, f: &MethodFigures) -> Option<i64> {
        match self {
            Figure::SelfReportReviewed => f.self_report_reviewed,
            Figure::Interactive => f.interactive,
            Figure::Model => f.model,
            Figure::SelfReport => f.self_report,
        }
    }
}

/// §5.1's precedence, highest first: CUSTOMER_SELF_REPORT reviewed by the rep, then
/// INTERACTIVE_VISIT, then MODEL; an unreviewed self-report counts only when nothing else exists (it is then still shown
/// as the retailer's figure awaiting the rep's review).
///
/// This list is the rule's one home: [`resolve`] reads it, and the SQL that settles records in
/// the database (`store::repo::forecasts::resolve_sql`, used by the MODEL batch write) is
/// generated from it; `crates/store/tests/precedence.rs` pins the two together on every
/// combination of present and absent figures, on SQLite and PostgreSQL.
pub const PRECEDENCE: [Figure; 4] = [
    Figure::SelfReportReviewed,
    Figure::Interactive,
    Figure::Model,
    Figure::SelfReport,
];

/// The figure in force by §5.1's precedence ([`PRECEDENCE`]): the first figure present.
pub fn resolve(f: &MethodFigures) -> Option<(ForecastMethod, i64)> {
    PRECEDENCE
        .iter()
        .find_map(|fig| fig.of(f).map(|q| (fig.method(), q)))
}

/// One phase of one month: its days, owner, gate and what it locks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseWindow {
    pub phase: Phase,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Who runs the phase.
    pub owners: Vec<Role>,
    /// What must be true to leave it (Chinese).
    pub gate: &'static str,
    /// What is locked once it is over (Chinese).
    pub locks: &'static str,
}

/// Check a calendar: phases in order inside any month (the shortest has 28 days).
pub fn validate_calendar(cal: &MonthCalendar) -> Result<(), ParseError> {
    let ok = cal.forecast_from == 1
        && cal.forecast_from < cal.submit_from
        && cal.submit_from <= cal.submit_day
        && cal.submit_day < cal.visits_from
        && cal.visits_from < cal.balancing_from
        && cal.balancing_from < cal.feedback_from
        && cal.feedback_from <= cal.feedback_to
        && cal.summary_last_days >= 1
        && cal.feedback_from + cal.summary_last_days <= 28;
    if ok {
        Ok(())
    } else {
        Err(ParseError::new(
            "month_calendar",
            "月度工作日历的阶段日期必须依次递增，且在 28 天内放得下（预测从 1 日开始）",
        ))
    }
}

/// The six phases of `month` with their dates. The summary phase is the last
/// `summary_last_days` days; feedback runs from `feedback_from` up to the day before the summary
/// (its due day is `min(feedback_to, summary start − 1)`, see [`feedback_due`]).
pub fn schedule(month: Month, cal: &MonthCalendar) -> Result<Vec<PhaseWindow>, ParseError> {
    validate_calendar(cal)?;
    let last = month.days();
    let summary_from = last + 1 - cal.summary_last_days;
    let d = |day: u32| month.day(day);
    use Role::*;
    Ok(vec![
        PhaseWindow {
            phase: Phase::Forecast,
            from: d(cal.forecast_from),
            to: d(cal.submit_from - 1),
            owners: vec![AccountManager, MarketManager],
            gate: "重点客户双向互动预测到位，模型预测已运行，客户提报已审核",
            locks: "",
        },
        PhaseWindow {
            phase: Phase::Submit,
            from: d(cal.submit_from),
            to: d(cal.visits_from - 1),
            owners: vec![AccountManager],
            gate: "全部客户经理于提交日前提交辖区预测",
            locks: "客户经理的预测数（之后只有修正平衡可改，且留痕）",
        },
        PhaseWindow {
            phase: Phase::Visits,
            from: d(cal.visits_from),
            to: d(cal.balancing_from - 1),
            owners: vec![AccountManager, MarketManager, BrandManager],
            gate: "营销中心录入下月货源",
            locks: "",
        },
        PhaseWindow {
            phase: Phase::Balancing,
            from: d(cal.balancing_from),
            to: d(cal.feedback_from - 1),
            owners: vec![MarketingCenter, MarketManager],
            gate: "修正平衡结果已发布",
            locks: "下月货源与平衡后预测",
        },
        PhaseWindow {
            phase: Phase::Feedback,
            from: d(cal.feedback_from),
            to: d(summary_from - 1),
            owners: vec![AccountManager],
            gate: "平衡后预测已逐户反馈并记入动销台帐",
            locks: "反馈记录",
        },
        PhaseWindow {
            phase: Phase::Summary,
            from: d(summary_from),
            to: d(last),
            owners: vec![AccountManager, MarketManager, BrandManager],
            gate: "库存采集与盈利调查完成，市场分析报告已提交，135 计划与改进措施已填写",
            locks: "本月 135 总结",
        },
    ])
}

/// The day by which feedback must be done.
pub fn feedback_due(month: Month, cal: &MonthCalendar) -> NaiveDate {
    let summary_from = month.days() + 1 - cal.summary_last_days;
    month.day(cal.feedback_to.min(summary_from - 1))
}

/// The submission deadline (the 8th by default).
pub fn submit_due(month: Month, cal: &MonthCalendar) -> NaiveDate {
    month.day(cal.submit_day)
}

/// The day by which balancing must be published (the day before feedback starts).
pub fn balancing_due(month: Month, cal: &MonthCalendar) -> NaiveDate {
    month.day(cal.feedback_from - 1)
}

/// Where `date` stands relative to the working month: before it, in a phase, or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Standing {
    Before,
    In(Phase),
    After,
}

pub fn standing(
    month: Month, cal: &MonthCalendar, date: NaiveDate,
) -> Result<Standing, ParseError> {
    if date < month.first_day() {
        return Ok(Standing::Before);
    }
    if date > month.last_day() {
        return Ok(Standing::After);
    }
    let s = schedule(month, cal)?;
    Ok(s.iter()
        .find(|w| w.from <= date && date <= w.to)
        .map(|w| Standing::In(w.phase))
        .unwrap_or(Standing::After))
}

/// The facts about a county's month that its gates look at (counted by the application).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GateFacts {
    /// Reps of the county with retailers.
    pub reps: u32,
    /// Reps whose forecast is submitted.
    pub reps_submitted: u32,
    /// Key customers selected / with an interactive forecast (拜访预测到位率).
    pub key_customers: u32,
    pub key_customers_forecast: u32,
    /// Self-reports awaiting the rep's review.
    pub self_reports_unreviewed: u32,
    /// Pairs with a model figure.
    pub model_pairs: u32,
    /// SKUs with supply entered for the target month.
    pub supply_skus: u32,
    pub balancing_published: bool,
    /// Retailers with a balanced figure / ticked off in feedback.
    pub feedback_due: u32,
    pub feedback_done: u32,
    /// People who wrote this month's 135 plan.
    pub plans_written: u32,
    /// The month's sample points (信息采集点) / those that reported (库存采集).
    pub sample_points: u32,
    pub sample_points_reported: u32,
    /// The month's retailer profit surveys / those done (盈利调查).
    pub profit_due: u32,
    pub profit_done: u32,
    /// Market analysis reports due (the county's areas and the county) / submitted or accepted.
    pub reports_due: u32,
    pub reports_submitted: u32,
}

/// Is the gate of `phase` met?
pub fn gate_met(phase: Phase, f: &GateFacts) -> bool {
    match phase {
        Phase::Forecast => {
            f.model_pairs > 0
                && f.key_customers_forecast >= f.key_customers
                && f.self_reports_unreviewed == 0
        }
        Phase::Submit => f.reps > 0 && f.reps_submitted >= f.reps,
        Phase::Visits => f.supply_skus > 0,
        Phase::Balancing => f.balancing_published,
        Phase::Feedback => f.feedback_done >= f.feedback_due && f.balancing_published,
        Phase::Summary => {
            f.plans_written > 0
                && f.sample_points_reported >= f.sample_points
                && f.profit_done >= f.profit_due
                && f.reports_submitted >= f.reports_due
        }
    }
}

/// A phase whose end has passed with its gate not met: overdue.
pub fn overdue(
    month: Month, cal: &MonthCalendar, today: NaiveDate, f: &GateFacts,
) -> Result<Vec<Phase>, ParseError> {
    Ok(schedule(month, cal)?
        .into_iter()
        .filter(|w| today > w.to && !gate_met(w.phase, f))
        .map(|w| w.phase)
        .collect())
}

/// 拜访预测到位率 (§6): key customers with an interactive forecast / key customers selected.
pub fn visit_forecast_rate(key_customers: u32, with_forecast: u32) -> Option<f64> {
    (key_customers > 0).then(|| f64::from(with_forecast) / f64::from(key_customers))
}

/// How many of `n` customers are key customers at `share` (§5.1, 50 %): `ceil(share·n)`.
pub fn key_customer_count(n: usize, share: f64) -> usize {
    let share = share.clamp(0.0, 1.0);
    ((n as f64) * share - 1e-9).ceil().max(0.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn default_schedule_of_a_30_and_31_day_month_and_february() {
        let cal = MonthCalendar::default();
        let s = schedule(m("2026-11"), &cal).unwrap();
        let days: Vec<(u32, u32)> = s
            .iter()
            .map(|w| (chrono::Datelike::day(&w.from), chrono::Datelike::day(&w.to)))
            .collect();
        assert_eq!(
            days,
            vec![(1, 6), (7, 8), (9, 16), (17, 20), (21, 25), (26, 30)]
        );
        let s = schedule(m("2026-12"), &cal).unwrap();
        assert_eq!(s[4].to, d("2026-12-26"));
        assert_eq!(s[5].from, d("2026-12-27"));
        assert_eq!(feedback_due(m("2026-12"), &cal), d("2026-12-25"));
        let s = schedule(m("2027-02"), &cal).unwrap();
        assert_eq!(s[5].from, d("2027-02-24"));
        assert_eq!(feedback_due(m("2027-02"), &cal), d("2027-02-23"));
    }

    #[test]
    fn standing_by_date() {
        let cal = MonthCalendar::default();
        let mo = m("2026-11");
        assert_eq!(
            standing(mo, &cal, d("2026-10-31")).unwrap(),
            Standing::Before
        );
        assert_eq!(
            standing(mo, &cal, d("2026-11-01")).unwrap(),
            Standing::In(Phase::Forecast)
        );
        assert_eq!(
            standing(mo, &cal, d("2026-11-08")).unwrap(),
            Standing::In(Phase::Submit)
        );
        assert_eq!(
            standing(mo, &cal, d("2026-11-16")).unwrap(),
            Standing::In(Phase::Visits)
        );
        assert_eq!(
            standing(mo, &cal, d("2026-11-17")).unwrap(),
            Standing::In(Phase::Balancing)
        );
        assert_eq!(
            standing(mo, &cal, d("2026-11-30")).unwrap(),
            Standing::In(Phase::Summary)
        );
        assert_eq!(
            standing(mo, &cal, d("2026-12-01")).unwrap(),
            Standing::After
        );
    }

    #[test]
    fn configured_days_move_the_phases_and_bad_ones_are_refused() {
        let cal = MonthCalendar {
            submit_from: 6,
            submit_day: 7,
            ..MonthCalendar::default()
        };
        let s = schedule(m("2026-11"), &cal).unwrap();
        assert_eq!(s[0].to, d("2026-11-05"));
        assert_eq!(submit_due(m("2026-11"), &cal), d("2026-11-07"));
        let bad = MonthCalendar {
            balancing_from: 5,
            ..MonthCalendar::default()
        };
        assert!(schedule(m("2026-11"), &bad).is_err());
    }

    #[test]
    fn gates_and_overdue() {
        let cal = MonthCalendar::default();
        let mut f = GateFacts {
            reps: 3,
            reps_submitted: 2,
            ..GateFacts::default()
        };
        assert!(!gate_met(Phase::Submit, &f));
        let od = overdue(m("2026-11"), &cal, d("2026-11-09"), &f).unwrap();
        assert_eq!(od, vec![Phase::Forecast, Phase::Submit]);
        f.reps_submitted = 3;
        f.model_pairs = 10;
        let od = overdue(m("2026-11"), &cal, d("2026-11-09"), &f).unwrap();
        assert!(od.is_empty());
        let od = overdue(m("2026-11"), &cal, d("2026-11-21"), &f).unwrap();
        assert_eq!(od, vec![Phase::Visits, Phase::Balancing]);
    }

    #[test]
    fn precedence_of_methods() {
        let mut f = MethodFigures {
            model: Some(10),
            ..Default::default()
        };
        assert_eq!(resolve(&f), Some((ForecastMethod::Model, 10)));
        f.self_report = Some(30);
        assert_eq!(resolve(&f), Some((ForecastMethod::Model, 10)));
        f.interactive = Some(20);
        assert_eq!(resolve(&f), Some((ForecastMethod::InteractiveVisit, 20)));
        f.self_report_reviewed = Some(28);
        assert_eq!(resolve(&f), Some((ForecastMethod::CustomerSelfReport, 28)));
        let only_self = MethodFigures {
            self_report: Some(5),
            ..Default::default()
        };
        assert_eq!(
            resolve(&only_self),
            Some((ForecastMethod::CustomerSelfReport, 5))
        );
        assert_eq!(resolve(&MethodFigures::default()), None);
    }

    #[test]
    fn key_customers_and_rate() {
        assert_eq!(key_customer_count(150, 0.5), 75);
        assert_eq!(key_customer_count(151, 0.5), 76);
        assert_eq!(key_customer_count(0, 0.5), 0);
        assert_eq!(visit_forecast_rate(4, 3), Some(0.75));
        assert_eq!(visit_forecast_rate(0, 0), None);
    }
}
