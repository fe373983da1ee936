//! 客户满意度 (domain.md §6 `customer_satisfaction` = Σ_k w_k · score_k on 0–100, target ≥ 90 %
//! [S001]; the city example W23: 2 categories, 7 items 卷烟供应, 订货服务, 送货服务, 客户经理,
//! 货款结算, 投诉服务, 专管员; a wave samples ≥ 10 % of each rep's customers [W24]).
//!
//! The questionnaire is data ([`Questionnaire`], policy 「客户满意度」): categories of weighted
//! items, each with its sub-items, answered on the policy's scale. An item's score is the mean of
//! its answered sub-items' scale scores; a respondent's score is Σ w_k · score_k ÷ Σ w_k over the
//! items answered; a group's score is the mean of its respondents' scores, and per item the mean
//! of the item's scores.
use serde::{Deserialize, Serialize};

/// One level of the answer scale (非常满意 … 很不满意) and its score (0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub label: String,
    pub score: f64,
}

/// A weighted item (评价项目) with its sub-items (评价要点).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub name: String,
    pub category: String,
    pub weight: f64,
    pub sub_items: Vec<String>,
}

/// The questionnaire: its items and the answer scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub items: Vec<Item>,
    pub scale: Vec<Level>,
}

fn item(code: &str, name: &str, category: &str, weight: f64, subs: &[&str]) -> Item {
    Item {
        code: code.into(),
        name: name.into(),
        category: category.into(),
        weight,
        sub_items: subs.iter().map(|s| s.to_string()).collect(),
    }
}

impl Default for Questionnaire {
    /// The city example of domain.md §6 (W23): 卷烟供应 and 客户服务, seven items.
    fn default() -> Self {
        Questionnaire {
            items: vec![
                item(
                    "SUPPLY",
                    "卷烟供应",
                    "卷烟供应",
                    30.0,
                    &[
                        "货源供应满足经营需要",
                        "品牌规格丰富、结构合理",
                        "货源投放公开、公平、公正",
                        "新品信息传递及时",
                    ],
                ),
                item(
                    "ORDERING",
                    "订货服务",
                    "客户服务",
                    12.0,
                    &["订货方式便捷", "订货时间安排合理", "订单确认及时准确"],
                ),
                item(
                    "DELIVERY",
                    "送货服务",
                    "客户服务",
                    12.0,
                    &["送货准时", "送货人员服务规范", "卷烟包装完好、品规数量准确"],
                ),
                item(
                    "ACCOUNT_MANAGER",
                    "客户经理",
                    "客户服务",
                    16.0,
                    &[
                        "拜访及时、频次合适",
                        "经营指导有帮助",
                        "意见建议反馈及时",
                        "服务态度热情",
                    ],
                ),
                item(
                    "SETTLEMENT",
                    "货款结算",
                    "客户服务",
                    10.0,
                    &["结算方式便捷", "结算准确无误"],
                ),
                item(
                    "COMPLAINT",
                    "投诉服务",
                    "客户服务",
                    10.0,
                    &["投诉渠道畅通", "投诉处理及时", "处理结果满意"],
                ),
                item(
                    "MONOPOLY_OFFICER",
                    "专管员",
                    "客户服务",
                    10.0,
                    &["执法公正规范", "服务态度良好", "法规宣传及时"],
                ),
            ],
            scale: vec![
                Level {
                    label: "非常满意".into(),
                    score: 100.0,
                },
                Level {
                    label: "满意".into(),
                    score: 85.0,
                },
                Level {
                    label: "基本满意".into(),
                    score: 70.0,
                },
                Level {
                    label: "不满意".into(),
                    score: 40.0,
                },
                Level {
                    label: "很不满意".into(),
                    score: 0.0,
                },
            ],
        }
    }
}

/// Why an answer sheet is refused (user-facing, with the field).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerError {
    pub field: String,
    pub message: String,
}

impl Questionnaire {
    /// The item scores (in item order; `None` for an item left blank) and the respondent's score
    /// of one answer sheet: `answers[k][j]` = the scale index chosen for sub-item j of item k
    /// (`None` = not answered). At least one sub-item must be answered.
    pub fn score(
        &self, answers: &[Vec<Option<usize>>],
    ) -> Result<(Vec<Option<f64>>, f64), AnswerError> {
        if answers.len() != self.items.len() {
            return Err(AnswerError {
                field: "answers".into(),
                message: format!(
                    "应答 {} 个评价项目，收到 {}",
                    self.items.len(),
                    answers.len()
                ),
            });
        }
        let mut items = Vec::with_capacity(self.items.len());
        let (mut sum, mut weights) = (0.0, 0.0);
        for (k, (it, a)) in self.items.iter().zip(answers).enumerate() {
            if a.len() != it.sub_items.len() {
                return Err(AnswerError {
                    field: format!("answers[{k}]"),
                    message: format!(
                        "「{}」有 {} 个评价要点，收到 {}",
                        it.name,
                        it.sub_items.len(),
                        a.len()
                    ),
                });
            }
            let mut scores = Vec::new();
            for (j, v) in a.iter().enumerate() {
                if let Some(v) = v {
                    let level = self.scale.get(*v).ok_or_else(|| AnswerError {
                        field: format!("answers[{k}][{j}]"),
                        message: format!(
                            "「{}」第 {} 个要点的选项 {v} 超出范围（0–{}）",
                            it.name,
                            j + 1,
                            self.scale.len().saturating_sub(1)
                        ),
                    })?;
                    scores.push(level.score);
                }
            }
            let s = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
            if let Some(s) = s {
                sum += it.weight * s;
                weights += it.weight;
            }
            items.push(s);
        }
        if weights <= 0.0 {
            return Err(AnswerError {
                field: "answers".into(),
                message: "请至少回答一个评价要点".into(),
            });
        }
        Ok((items, sum / weights))
    }
}

/// The mean of some scores, `None` when there are none.
pub fn mean(scores: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (s, n) = scores
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All 非常满意 → 100; 卷烟供应 (30 %) all 不满意 and the rest 满意 →
    /// (30 × 40 + 70 × 85) ÷ 100 = 71.5; an item left blank drops out of the weights.
    #[test]
    fn weighted_score() {
        let q = Questionnaire::default();
        assert_eq!(q.items.len(), 7);
        assert_eq!(q.items.iter().map(|i| i.weight).sum::<f64>(), 100.0);
        let all = |v: usize| -> Vec<Vec<Option<usize>>> {
            q.items
                .iter()
                .map(|i| vec![Some(v); i.sub_items.len()])
                .collect()
        };
        assert_eq!(q.score(&all(0)).unwrap().1, 100.0);
        let mut a = all(1);
        a[0] = vec![Some(3); q.items[0].sub_items.len()];
        let (items, total) = q.score(&a).unwrap();
        assert_eq!(items[0], Some(40.0));
        assert!((total - 71.5).abs() < 1e-9);
        a[0] = vec![None; q.items[0].sub_items.len()];
        assert!((q.score(&a).unwrap().1 - 85.0).abs() < 1e-9);
        // a mixed item: mean of its answered sub-items
        a[1] = vec![Some(0), Some(2), None];
        assert_eq!(q.score(&a).unwrap().0[1], Some(85.0));
        let blank: Vec<Vec<Option<usize>>> = q
            .items
            .iter()
            .map(|i| vec![None; i.sub_items.len()])
            .collect();
        assert_eq!(q.score(&blank).unwrap_err().field, "answers");
        let mut bad = all(0);
        bad[2][1] = Some(9);
        assert_eq!(q.score(&bad).unwrap_err().field, "answers[2][1]");
        assert_eq!(mean([80.0, 100.0]), Some(90.0));
        assert_eq!(mean([]), None);
    }
}
