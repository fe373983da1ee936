//! People: the account manager's grading (竞聘定级, 三级九档) and pay (domain.md §11.2–§11.4).
//!
//! - **Basic score** (≤ 30) = education points (10–15; an economics certificate counts as the
//!   matching education: 初级 ≡ 中专对口, 中级 ≡ 大专对口, 高级 ≡ 本科对口, the better of the two counts)
//!   + years points (`0` below one year, else `3 + (⌊y⌋ − 1)`, capped at 15).
//! - **Exam** (≤ 40) = exam score × 40 %.
//! - **Review** (≤ 30) = Σ weight × trimmed mean of each group's scores (drop one highest and one
//!   lowest, at least three scores): leaders 6 %, peer reps 4 %, staff 10 %, customers 10 %.
//! - **Level and step** from a cut-off table (policy; the seed gives none), the 营销员 certificate
//!   rule: the level needs the matching certificate, a warning in the first round, required
//!   within three years.
//! - **Pay** = base + level allowance + seniority + performance base × coefficient(level, paid
//!   step) × appraisal factor; rural reps are paid one step up within their level.
//!
//! Worked examples (§11.3: 81.78; §11.4: 1,830 元, 1,242 元 marginal, 1,262 元 flat) are the tests.
use crate::code_enum;
use crate::org::EmploymentType;
use serde::{Deserialize, Serialize};

code_enum!(
    /// 学历 (domain.md §11.3); 对口 (an economics major) is a separate flag.
    Education, "学历" {
        HighSchool => ("HIGH_SCHOOL", "高中"),
        Secondary => ("SECONDARY", "中专"),
        College => ("COLLEGE", "大专"),
        Bachelor => ("BACHELOR", "本科"),
    }
);

code_enum!(
    /// A certificate's level: the economics certificate and the 营销员 certificate (§11.3).
    CertLevel, "证书等级" {
        Junior => ("JUNIOR", "初级"),
        Intermediate => ("INTERMEDIATE", "中级"),
        Senior => ("SENIOR", "高级"),
    }
);

code_enum!(
    /// 级 of 三级九档 (§11.2).
    Level, "级别" {
        Junior => ("JUNIOR", "初级"),
        Intermediate => ("INTERMEDIATE", "中级"),
        Senior => ("SENIOR", "高级"),
    }
);

code_enum!(
    /// 档 of 三级九档: c < b < a (§11.2).
    Step, "档次" {
        C => ("C", "c档"),
        B => ("B", "b档"),
        A => ("A", "a档"),
    }
);

code_enum!(
    /// The four review groups of §11.3.
    ReviewGroup, "评议组" {
        Leaders => ("LEADERS", "领导评议"),
        PeerReps => ("PEER_REPS", "同岗客户经理评议"),
        Staff => ("STAFF", "职工评议"),
        Customers => ("CUSTOMERS", "零售客户评议"),
    }
);

impl Level {
    fn index(self) -> usize {
        match self {
            Level::Junior => 0,
            Level::Intermediate => 1,
            Level::Senior => 2,
        }
    }

    /// The certificate level a grade level needs.
    pub fn cert(self) -> CertLevel {
        match self {
            Level::Junior => CertLevel::Junior,
            Level::Intermediate => CertLevel::Intermediate,
            Level::Senior => CertLevel::Senior,
        }
    }

    fn of_cert(c: CertLevel) -> Level {
        match c {
            CertLevel::Junior => Level::Junior,
            CertLevel::Intermediate => Level::Intermediate,
            CertLevel::Senior => Level::Senior,
        }
    }
}

impl Step {
    fn index(self) -> usize {
        match self {
            Step::C => 0,
            Step::B => 1,
            Step::A => 2,
        }
    }

    /// One step up within the level (c→b, b→a; a stays a: no crossing into the next level).
    pub fn up(self) -> Step {
        match self {
            Step::C => Step::B,
            Step::B | Step::A => Step::A,
        }
    }
}

/// A grade in words: 中级b档.
pub fn grade_zh(level: Level, step: Step) -> String {
    format!("{}{}", level.zh(), step.zh())
}

/// The grading policy (§11.3; the cut-offs and the grace period are [INF] defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradingPolicy {
    /// Education points: 高中 (含非对口中专), 中专对口, 大专非对口, 大专对口, 本科非对口, 本科对口.
    pub education_points: [f64; 6],
    /// Years points: `first` for the first full year, `per_year` for each further one, capped.
    pub years_first: f64,
    pub years_per_year: f64,
    pub years_cap: f64,
    /// Share of the exam score that counts, %.
    pub exam_weight_pct: f64,
    /// Weights of the review groups, % (leaders, peer reps, staff, customers).
    pub group_weights_pct: [f64; 4],
    /// Fewest scores a group needs (the trimmed mean drops two).
    pub min_scores: usize,
    /// The customer panel visits at least this many of the rep's retailers.
    pub min_customers: usize,
    /// Most reviewers assigned to a candidate in the leaders', peers' and staff groups (the
    /// customer panel gets `min_customers + 1` retailers).
    pub reviewers_per_group: usize,
    /// The review rubric: item and its full marks (sum 100).
    pub rubric: Vec<(String, f64)>,
    /// Cut-offs, highest first: a total at or above `min` gets that grade; below every one the
    /// lowest grade.
    pub cutoffs: Vec<Cutoff>,
    /// Days the totals are publicised (appeals within them).
    pub publicity_days: u32,
    /// Years in post before grading (or as much earlier experience).
    pub eligible_years: f64,
    /// Years after the first round within which the 营销员 certificate becomes required.
    pub cert_grace_years: u32,
}

/// One row of the cut-off table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cutoff {
    pub min: f64,
    pub level: Level,
    pub step: Step,
}

impl Default for GradingPolicy {
    fn default() -> Self {
        let c = |min, level, step| Cutoff { min, level, step };
        Self {
            education_points: [10.0, 12.0, 12.0, 13.0, 13.0, 15.0],
            years_first: 3.0,
            years_per_year: 1.0,
            years_cap: 15.0,
            exam_weight_pct: 40.0,
            group_weights_pct: [6.0, 4.0, 10.0, 10.0],
            min_scores: 3,
            min_customers: 10,
            reviewers_per_group: 7,
            rubric: [
                ("行纪行规", 10.0),
                ("爱岗敬业", 10.0),
                ("工作态度", 10.0),
                ("职业道德", 10.0),
                ("工作纪律", 10.0),
                ("工作业绩", 20.0),
                ("语言表达", 4.0),
                ("沟通技巧", 10.0),
                ("计算机操作", 10.0),
                ("普通话", 6.0),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
            cutoffs: vec![
                c(90.0, Level::Senior, Step::A),
                c(87.0, Level::Senior, Step::B),
                c(84.0, Level::Senior, Step::C),
                c(81.0, Level::Intermediate, Step::A),
                c(78.0, Level::Intermediate, Step::B),
                c(75.0, Level::Intermediate, Step::C),
                c(70.0, Level::Junior, Step::A),
                c(65.0, Level::Junior, Step::B),
            ],
            publicity_days: 3,
            eligible_years: 1.0,
            cert_grace_years: 3,
        }
    }
}

/// Round to 2 decimals (scores are shown and stored so).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Education points (§11.3): the education's and the economics certificate's, the better one.
pub fn education_points(
    p: &GradingPolicy, education: Education, matched: bool, econ_cert: Option<CertLevel>,
) -> f64 {
    let e = &p.education_points;
    let by_education = match (education, matched) {
        (Education::HighSchool, _) | (Education::Secondary, false) => e[0],
        (Education::Secondary, true) => e[1],
        (Education::College, false) => e[2],
        (Education::College, true) => e[3],
        (Education::Bachelor, false) => e[4],
        (Education::Bachelor, true) => e[5],
    };
    let by_cert = match econ_cert {
        None => e[0],
        Some(CertLevel::Junior) => e[1],
        Some(CertLevel::Intermediate) => e[3],
        Some(CertLevel::Senior) => e[5],
    };
    by_education.max(by_cert)
}

/// Years points (§11.3): `0` below one year, else `first + per_year × (⌊y⌋ − 1)`, capped.
pub fn years_points(p: &GradingPolicy, years: f64) -> f64 {
    if years.is_nan() || years < 1.0 {
        return 0.0;
    }
    (p.years_first + p.years_per_year * (years.floor() - 1.0)).min(p.years_cap)
}

/// Full years between two dates (the day of the month counts).
pub fn full_years(from: chrono::NaiveDate, to: chrono::NaiveDate) -> u32 {
    use chrono::Datelike;
    if to < from {
        return 0;
    }
    let mut y = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        y -= 1;
    }
    y.max(0) as u32
}

/// A trimmed mean that could not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("评分不足：需至少 {need} 个，现有 {have} 个")]
pub struct TooFewScores {
    pub need: usize,
    pub have: usize,
}

/// The trimmed mean of §11.3: drop exactly one highest and one lowest score, average the rest;
/// at least `min` (and never fewer than 3) scores.
pub fn trimmed_mean(scores: &[f64], min: usize) -> Result<f64, TooFewScores> {
    let need = min.max(3);
    if scores.len() < need {
        return Err(TooFewScores {
            need,
            have: scores.len(),
        });
    }
    let mut s = scores.to_vec();
    s.sort_by(f64::total_cmp);
    let kept = &s[1..s.len() - 1];
    Ok(kept.iter().sum::<f64>() / kept.len() as f64)
}

/// One group's part of the review.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupPart {
    pub group: ReviewGroup,
    pub scores: usize,
    /// The trimmed mean, 0–100.
    pub mean: f64,
    /// Weight %, and the points it gives (mean × weight, 2 decimals).
    pub weight_pct: f64,
    pub points: f64,
}

/// The review groups with their weights, in order.
pub fn groups(p: &GradingPolicy) -> [(ReviewGroup, f64); 4] {
    let w = p.group_weights_pct;
    [
        (ReviewGroup::Leaders, w[0]),
        (ReviewGroup::PeerReps, w[1]),
        (ReviewGroup::Staff, w[2]),
        (ReviewGroup::Customers, w[3]),
    ]
}

/// A group's part from its scores.
pub fn group_part(
    p: &GradingPolicy, group: ReviewGroup, scores: &[f64],
) -> Result<GroupPart, TooFewScores> {
    let weight_pct = groups(p)
        .iter()
        .find(|(g, _)| *g == group)
        .map(|(_, w)| *w)
        .unwrap_or(0.0);
    let mean = trimmed_mean(scores, p.min_scores)?;
    Ok(GroupPart {
        group,
        scores: scores.len(),
        mean,
        weight_pct,
        points: round2(mean * weight_pct / 100.0),
    })
}

/// A candidate's score sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradingScore {
    pub education_points: f64,
    pub years_points: f64,
    pub basic: f64,
    pub exam_score: f64,
    pub exam_points: f64,
    pub parts: Vec<GroupPart>,
    pub review: f64,
    pub total: f64,
}

/// Total = basic + exam × 40 % + Σ group points (§11.3), each part to 2 decimals.
pub fn grading_score(
    p: &GradingPolicy, education_points: f64, years_points: f64, exam_score: f64,
    parts: Vec<GroupPart>,
) -> GradingScore {
    let basic = education_points + years_points;
    let exam_points = round2(exam_score * p.exam_weight_pct / 100.0);
    let review = round2(parts.iter().map(|g| g.points).sum());
    GradingScore {
        education_points,
        years_points,
        basic,
        exam_score,
        exam_points,
        parts,
        review,
        total: round2(basic + exam_points + review),
    }
}

/// The grade the cut-off table gives a total (below every row: 初级c档).
pub fn grade_of(p: &GradingPolicy, total: f64) -> (Level, Step) {
    let mut rows = p.cutoffs.clone();
    rows.sort_by(|a, b| b.min.total_cmp(&a.min));
    rows.iter()
        .find(|c| total >= c.min)
        .map(|c| (c.level, c.step))
        .unwrap_or((Level::Junior, Step::C))
}

/// What the 营销员 certificate rule says of a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CertCheck {
    /// The certificate matches the level.
    Ok,
    /// Missing, but within the grace period: a warning with the year it is required by.
    Warning(String),
    /// Missing after the grace period: the level is capped at the certificate's (初级 without).
    Capped { level: Level, note: String },
}

/// The certificate rule (§11.3): the level needs a 营销员 certificate of at least its level —
/// reference only within `cert_grace_years` of the first round, required after.
pub fn cert_check(
    p: &GradingPolicy, level: Level, cert: Option<CertLevel>, years_since_first_round: u32,
) -> CertCheck {
    let has = cert.map(|c| Level::of_cert(c).index()).unwrap_or(0);
    let held = cert.is_some();
    if held && has >= level.index() {
        return CertCheck::Ok;
    }
    if years_since_first_round < p.cert_grace_years {
        let left = p.cert_grace_years - years_since_first_round;
        return CertCheck::Warning(format!(
            "未取得{}营销员证书，仅作参考；须在 {left} 年内取得",
            level.cert().zh()
        ));
    }
    let capped = cert.map(Level::of_cert).unwrap_or(Level::Junior);
    if capped == level {
        // 初级 without any certificate: stays 初级, noted
        return CertCheck::Warning(format!("未取得{}营销员证书", level.cert().zh()));
    }
    CertCheck::Capped {
        level: capped,
        note: format!(
            "未取得{}营销员证书，级别按证书定为{}",
            level.cert().zh(),
            capped.zh()
        ),
    }
}

code_enum!(
    /// How seniority pay reads its brackets (§11.4, ambiguous in the seed).
    SeniorityMode, "年功工资口径" {
        Marginal => ("MARGINAL", "分段累进"),
        Flat => ("FLAT", "按所在段统一"),
    }
);

/// One employment type's pay table, 元.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayTable {
    pub base: f64,
    /// Level allowance, 初/中/高.
    pub allowance: [f64; 3],
    /// Performance base, 初/中/高.
    pub performance_base: [f64; 3],
    /// Whether seniority pay applies.
    pub seniority: bool,
}

/// A seniority bracket: years up to `to_year` (inclusive; `None` = beyond) at `rate` 元/year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bracket {
    pub to_year: Option<u32>,
    pub rate: f64,
}

/// An appraisal score at or above `min` gives `factor`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FactorRow {
    pub min: f64,
    pub factor: f64,
}

/// The pay policy (§11.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayPolicy {
    pub permanent: PayTable,
    pub contract: PayTable,
    /// Coefficients by level (初/中/高) and step (c/b/a).
    pub coefficients: [[f64; 3]; 3],
    /// Rural reps are paid one step up within their level.
    pub rural_step_up: bool,
    /// Full years in the rep post before seniority pay starts.
    pub seniority_min_years: u32,
    pub seniority_brackets: Vec<Bracket>,
    pub seniority_mode: SeniorityMode,
    /// The monthly appraisal's factor on performance pay, highest `min` first; empty (or no
    /// appraisal) = 1.0.
    pub appraisal_factors: Vec<FactorRow>,
}

impl Default for PayPolicy {
    fn default() -> Self {
        Self {
            permanent: PayTable {
                base: 650.0,
                allowance: [50.0, 100.0, 200.0],
                performance_base: [800.0, 800.0, 800.0],
                seniority: false,
            },
            contract: PayTable {
                base: 550.0,
                allowance: [50.0, 100.0, 200.0],
                performance_base: [300.0, 400.0, 500.0],
                seniority: true,
            },
            coefficients: [[1.10, 1.15, 1.20], [1.25, 1.30, 1.35], [1.40, 1.45, 1.50]],
            rural_step_up: true,
            seniority_min_years: 3,
            seniority_brackets: vec![
                Bracket {
                    to_year: Some(10),
                    rate: 4.0,
                },
                Bracket {
                    to_year: Some(15),
                    rate: 6.0,
                },
                Bracket {
                    to_year: None,
                    rate: 8.0,
                },
            ],
            seniority_mode: SeniorityMode::Marginal,
            appraisal_factors: Vec::new(),
        }
    }
}

/// Seniority pay, 元, for `years` full years in the rep post (§11.4).
pub fn seniority_pay(p: &PayPolicy, years: u32) -> f64 {
    if years < p.seniority_min_years || years == 0 {
        return 0.0;
    }
    match p.seniority_mode {
        SeniorityMode::Flat => {
            let rate = p
                .seniority_brackets
                .iter()
                .find(|b| b.to_year.is_none_or(|t| years <= t))
                .map(|b| b.rate)
                .unwrap_or(0.0);
            rate * years as f64
        }
        SeniorityMode::Marginal => {
            let mut from = 0u32;
            let mut sum = 0.0;
            for b in &p.seniority_brackets {
                let to = b.to_year.unwrap_or(u32::MAX).min(years);
                if to > from {
                    sum += b.rate * (to - from) as f64;
                    from = to;
                }
                if from >= years {
                    break;
                }
            }
            sum
        }
    }
}

/// The appraisal factor of a month's appraisal score (1.0 without one or without a mapping).
pub fn appraisal_factor(p: &PayPolicy, score: Option<f64>) -> f64 {
    let Some(s) = score else { return 1.0 };
    let mut rows = p.appraisal_factors.clone();
    rows.sort_by(|a, b| b.min.total_cmp(&a.min));
    rows.iter()
        .find(|r| s >= r.min)
        .or(rows.last())
        .map(|r| r.factor)
        .unwrap_or(1.0)
}

/// What a month's pay is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PayInput {
    pub employment: EmploymentType,
    pub level: Level,
    pub assessed_step: Step,
    pub rural: bool,
    /// Full years in the rep post.
    pub years: u32,
    pub appraisal_score: Option<f64>,
}

/// A month's pay with its parts, 分.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pay {
    pub paid_step: Step,
    pub base_fen: i64,
    pub allowance_fen: i64,
    pub seniority_fen: i64,
    pub performance_base_fen: i64,
    pub coefficient: f64,
    pub factor: f64,
    pub performance_fen: i64,
    pub total_fen: i64,
    /// Each part in words.
    pub lines: Vec<String>,
}

fn fen(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("{}", fen / 100)
    } else {
        format!("{:.2}", fen as f64 / 100.0)
    }
}

/// `base + allowance + seniority + performance base × coefficient(level, paid step) × factor`
/// (§11.4).
pub fn pay(p: &PayPolicy, i: &PayInput) -> Pay {
    let table = match i.employment {
        EmploymentType::Permanent => &p.permanent,
        EmploymentType::Contract => &p.contract,
    };
    let li = i.level.index();
    let paid_step = if i.rural && p.rural_step_up {
        i.assessed_step.up()
    } else {
        i.assessed_step
    };
    let coefficient = p.coefficients[li][paid_step.index()];
    let factor = appraisal_factor(p, i.appraisal_score);
    let base_fen = fen(table.base);
    let allowance_fen = fen(table.allowance[li]);
    let seniority_fen = if table.seniority {
        fen(seniority_pay(p, i.years))
    } else {
        0
    };
    let performance_base_fen = fen(table.performance_base[li]);
    let performance_fen = (performance_base_fen as f64 * coefficient * factor).round() as i64;
    let total_fen = base_fen + allowance_fen + seniority_fen + performance_fen;
    let mut lines = vec![
        format!("基本岗位工资（{}）{} 元", i.employment.zh(), yuan(base_fen)),
        format!("岗位浮动工资（{}）{} 元", i.level.zh(), yuan(allowance_fen)),
    ];
    if table.seniority {
        lines.push(if seniority_fen > 0 {
            format!(
                "年功工资（{} 年，{}）{} 元",
                i.years,
                p.seniority_mode.zh(),
                yuan(seniority_fen)
            )
        } else {
            format!(
                "年功工资：任职未满 {} 年，0 元",
                p.seniority_min_years.max(1)
            )
        });
    }
    let step_note = if paid_step != i.assessed_step {
        format!(
            "评定{}，服务农网客户上浮一档按{}",
            i.assessed_step.zh(),
            paid_step.zh()
        )
    } else {
        paid_step.zh().to_string()
    };
    let factor_note = if factor != 1.0 {
        format!(" × 考核系数 {factor}")
    } else {
        String::new()
    };
    lines.push(format!(
        "效益工资 {} × {coefficient}（{}，{step_note}）{factor_note} = {} 元",
        yuan(performance_base_fen),
        i.level.zh(),
        yuan(performance_fen)
    ));
    Pay {
        paid_step,
        base_fen,
        allowance_fen,
        seniority_fen,
        performance_base_fen,
        coefficient,
        factor,
        performance_fen,
        total_fen,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// §11.3 worked grading example: 81.78.
    #[test]
    fn grading_example() {
        let p = GradingPolicy::default();
        let edu = education_points(&p, Education::College, true, None);
        assert_eq!(edu, 13.0);
        let years = years_points(&p, 6.0);
        assert_eq!(years, 8.0);
        let parts = vec![
            group_part(&p, ReviewGroup::Leaders, &[88.0, 92.0, 85.0, 90.0, 79.0]).unwrap(),
            group_part(
                &p,
                ReviewGroup::PeerReps,
                &[80.0, 85.0, 83.0, 90.0, 70.0, 88.0],
            )
            .unwrap(),
            group_part(
                &p,
                ReviewGroup::Staff,
                &[84.0, 86.0, 82.0, 91.0, 75.0, 89.0, 87.0],
            )
            .unwrap(),
            group_part(
                &p,
                ReviewGroup::Customers,
                &[
                    95.0, 92.0, 90.0, 97.0, 88.0, 93.0, 91.0, 96.0, 89.0, 94.0, 85.0,
                ],
            )
            .unwrap(),
        ];
        assert_eq!(
            parts.iter().map(|g| g.points).collect::<Vec<_>>(),
            vec![5.26, 3.36, 8.56, 9.2]
        );
        assert!((parts[0].mean - 87.666_666).abs() < 1e-3);
        let s = grading_score(&p, edu, years, 86.0, parts);
        assert_eq!(s.basic, 21.0);
        assert_eq!(s.exam_points, 34.4);
        assert_eq!(s.review, 26.38);
        assert_eq!(s.total, 81.78);
    }

    #[test]
    fn education_and_certificates() {
        let p = GradingPolicy::default();
        assert_eq!(
            education_points(&p, Education::Secondary, false, None),
            10.0
        );
        assert_eq!(education_points(&p, Education::Secondary, true, None), 12.0);
        assert_eq!(education_points(&p, Education::Bachelor, true, None), 15.0);
        // a 中级 economics certificate counts as 大专对口
        assert_eq!(
            education_points(
                &p,
                Education::HighSchool,
                false,
                Some(CertLevel::Intermediate)
            ),
            13.0
        );
        // the better of the two
        assert_eq!(
            education_points(&p, Education::Bachelor, true, Some(CertLevel::Junior)),
            15.0
        );
        assert_eq!(years_points(&p, 0.9), 0.0);
        assert_eq!(years_points(&p, 1.0), 3.0);
        assert_eq!(years_points(&p, 13.5), 15.0);
        assert_eq!(years_points(&p, 40.0), 15.0);
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(full_years(d("2020-11-17"), d("2026-11-16")), 5);
        assert_eq!(full_years(d("2020-11-16"), d("2026-11-16")), 6);
    }

    /// §11.4 worked pay examples.
    #[test]
    fn pay_examples() {
        let mut p = PayPolicy::default();
        let permanent = pay(
            &p,
            &PayInput {
                employment: EmploymentType::Permanent,
                level: Level::Intermediate,
                assessed_step: Step::B,
                rural: true,
                years: 6,
                appraisal_score: None,
            },
        );
        assert_eq!(permanent.paid_step, Step::A);
        assert_eq!(permanent.performance_fen, 108_000);
        assert_eq!(permanent.total_fen, 183_000);
        let contract = PayInput {
            employment: EmploymentType::Contract,
            level: Level::Intermediate,
            assessed_step: Step::B,
            rural: true,
            years: 12,
            appraisal_score: None,
        };
        let marginal = pay(&p, &contract);
        assert_eq!(marginal.seniority_fen, 5_200);
        assert_eq!(marginal.total_fen, 124_200);
        p.seniority_mode = SeniorityMode::Flat;
        let flat = pay(&p, &contract);
        assert_eq!(flat.seniority_fen, 7_200);
        assert_eq!(flat.total_fen, 126_200);
        assert!(flat.lines.iter().any(|l| l.contains("上浮一档")));
    }

    #[test]
    fn seniority_and_steps() {
        let p = PayPolicy::default();
        assert_eq!(seniority_pay(&p, 2), 0.0);
        assert_eq!(seniority_pay(&p, 3), 12.0);
        assert_eq!(seniority_pay(&p, 10), 40.0);
        assert_eq!(seniority_pay(&p, 18), 40.0 + 30.0 + 24.0);
        assert_eq!(Step::A.up(), Step::A);
        assert_eq!(Step::C.up(), Step::B);
        let mut q = p.clone();
        q.appraisal_factors = vec![
            FactorRow {
                min: 90.0,
                factor: 1.1,
            },
            FactorRow {
                min: 60.0,
                factor: 1.0,
            },
            FactorRow {
                min: 0.0,
                factor: 0.8,
            },
        ];
        assert_eq!(appraisal_factor(&q, Some(95.0)), 1.1);
        assert_eq!(appraisal_factor(&q, Some(59.0)), 0.8);
        assert_eq!(appraisal_factor(&q, None), 1.0);
        assert_eq!(appraisal_factor(&p, Some(10.0)), 1.0);
    }

    #[test]
    fn cutoffs_and_certificates() {
        let p = GradingPolicy::default();
        assert_eq!(grade_of(&p, 81.78), (Level::Intermediate, Step::A));
        assert_eq!(grade_of(&p, 95.0), (Level::Senior, Step::A));
        assert_eq!(grade_of(&p, 10.0), (Level::Junior, Step::C));
        assert_eq!(
            cert_check(&p, Level::Intermediate, Some(CertLevel::Senior), 5),
            CertCheck::Ok
        );
        assert!(matches!(
            cert_check(&p, Level::Intermediate, None, 0),
            CertCheck::Warning(_)
        ));
        assert_eq!(
            cert_check(&p, Level::Senior, Some(CertLevel::Junior), 3),
            CertCheck::Capped {
                level: Level::Junior,
                note: "未取得高级营销员证书，级别按证书定为初级".into()
            }
        );
    }

    #[test]
    fn trimmed_mean_refuses_fewer_than_three() {
        assert_eq!(
            trimmed_mean(&[80.0, 90.0], 3),
            Err(TooFewScores { need: 3, have: 2 })
        );
        assert_eq!(trimmed_mean(&[80.0, 90.0, 70.0], 3), Ok(80.0));
        assert!(trimmed_mean(&[80.0; 4], 5).is_err());
    }

    proptest! {
        #[test]
        fn trimmed_mean_order_independent(mut v in proptest::collection::vec(0.0f64..100.0, 3..30), seed in any::<u64>()) {
            let a = trimmed_mean(&v, 3).unwrap();
            // a deterministic shuffle
            let n = v.len();
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                v.swap(i, (s >> 33) as usize % (i + 1));
            }
            let b = trimmed_mean(&v, 3).unwrap();
            prop_assert!((a - b).abs() < 1e-9);
            let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(a >= lo - 1e-9 && a <= hi + 1e-9);
        }

        #[test]
        fn trimmed_mean_of_equal_scores(x in 0.0f64..100.0, n in 3usize..40) {
            let m = trimmed_mean(&vec![x; n], 3).unwrap();
            prop_assert!((m - x).abs() < 1e-9);
        }

        #[test]
        fn trimmed_mean_refuses_short(v in proptest::collection::vec(0.0f64..100.0, 0..3)) {
            prop_assert!(trimmed_mean(&v, 3).is_err());
        }
    }
}
