//! 应知应会 monthly tests (issue 14 ③; seed 001 asks for monthly tests feeding the monthly
//! capability appraisal, domain.md §11.1 gives the knowledge areas): the question bank's kinds
//! and categories, how a month's paper is drawn, and how an answer is scored.
//!
//! - A question is single choice (one option right), multiple choice (the set of right options,
//!   all and only them), or true/false (options 正确/错误).
//! - A paper draws `n` questions from the active bank, spread over the categories as evenly as
//!   the bank allows (round-robin over categories, each category's questions in a seeded order),
//!   so every category is examined every month.
//! - The score is the share of questions answered right × 100, to 2 decimals.
use crate::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// 题型.
    QuestionKind, "题型" {
        Single => ("SINGLE", "单选题"),
        Multiple => ("MULTIPLE", "多选题"),
        TrueFalse => ("TRUE_FALSE", "判断题"),
    }
);

code_enum!(
    /// 知识类别 (domain.md §11.1: law, computer and writing; tobacco monopoly and marketing
    /// knowledge; the rep's service workflow).
    Category, "知识类别" {
        Law => ("LAW", "法律法规"),
        Monopoly => ("MONOPOLY", "烟草专卖"),
        Marketing => ("MARKETING", "卷烟营销"),
        Service => ("SERVICE", "客户服务"),
        Computer => ("COMPUTER", "计算机应用"),
    }
);

/// The options of a true/false question.
pub const TRUE_FALSE: [&str; 2] = ["正确", "错误"];

/// Why a question cannot be kept.
pub fn check_question(
    kind: QuestionKind, stem: &str, options: &[String], answer: &[usize],
) -> Result<(), crate::ParseError> {
    if stem.trim().is_empty() {
        return Err(crate::ParseError::new("stem", "题干不能为空"));
    }
    let n = options.len();
    match kind {
        QuestionKind::TrueFalse if n != 2 => {
            return Err(crate::ParseError::new(
                "options",
                "判断题只有「正确」「错误」两个选项",
            ));
        }
        QuestionKind::Single | QuestionKind::Multiple if !(2..=8).contains(&n) => {
            return Err(crate::ParseError::new("options", "选择题应有 2–8 个选项"));
        }
        _ => {}
    }
    if options.iter().any(|o| o.trim().is_empty()) {
        return Err(crate::ParseError::new("options", "选项不能为空"));
    }
    if answer.is_empty() || answer.iter().any(|a| *a >= n) {
        return Err(crate::ParseError::new("answer", "答案须为选项的序号"));
    }
    let mut a = answer.to_vec();
    a.sort_unstable();
    a.dedup();
    if a.len() != answer.len() {
        return Err(crate::ParseError::new("answer", "答案序号重复"));
    }
    if kind != QuestionKind::Multiple && answer.len() != 1 {
        return Err(crate::ParseError::new(
            "answer",
            format!("{}只有一个正确答案", kind.zh()),
        ));
    }
    if kind == QuestionKind::Multiple && answer.len() < 2 {
        return Err(crate::ParseError::new("answer", "多选题至少两个正确答案"));
    }
    Ok(())
}

/// Whether `given` is right: the same set of options as `answer`.
pub fn is_right(answer: &[usize], given: &[usize]) -> bool {
    let mut a = answer.to_vec();
    let mut g = given.to_vec();
    a.sort_unstable();
    a.dedup();
    g.sort_unstable();
    g.dedup();
    a == g
}

/// The score of `right` of `n` questions, 0–100 to 2 decimals.
pub fn score(right: usize, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    (right as f64 / n as f64 * 10_000.0).round() / 100.0
}

fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Draw a paper of `n` questions from `(id, category)` (the active bank): round-robin over the
/// categories in their order, each category's questions in an order fixed by `seed`.
pub fn draw(bank: &[(i64, Category)], n: usize, seed: u64) -> Vec<i64> {
    let mut by_cat: Vec<(Category, Vec<i64>)> = Vec::new();
    for c in Category::ALL {
        let mut ids: Vec<i64> = bank
            .iter()
            .filter(|(_, k)| k == c)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_by_key(|id| mix(seed ^ (*id as u64)));
        if !ids.is_empty() {
            by_cat.push((*c, ids));
        }
    }
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < n {
        let mut any = false;
        for (_, ids) in &by_cat {
            if let Some(id) = ids.get(round) {
                any = true;
                if out.len() < n {
                    out.push(*id);
                }
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    out
}

/// The test policy: questions per paper and minutes to answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestPolicy {
    pub questions: usize,
    pub minutes: u32,
    /// Days a monthly test stays open.
    pub open_days: u32,
}

impl Default for TestPolicy {
    fn default() -> Self {
        Self {
            questions: 20,
            minutes: 30,
            open_days: 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_checked() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_question(QuestionKind::Single, "题", &o(&["甲", "乙"]), &[1]).is_ok());
        assert!(check_question(QuestionKind::Single, "题", &o(&["甲", "乙"]), &[0, 1]).is_err());
        assert!(
            check_question(QuestionKind::Multiple, "题", &o(&["甲", "乙", "丙"]), &[0]).is_err()
        );
        assert!(
            check_question(
                QuestionKind::Multiple,
                "题",
                &o(&["甲", "乙", "丙"]),
                &[0, 2]
            )
            .is_ok()
        );
        assert!(check_question(QuestionKind::TrueFalse, "题", &o(&TRUE_FALSE), &[0]).is_ok());
        assert!(
            check_question(QuestionKind::TrueFalse, "题", &o(&["甲", "乙", "丙"]), &[0]).is_err()
        );
        assert!(check_question(QuestionKind::Single, " ", &o(&["甲", "乙"]), &[0]).is_err());
        assert!(check_question(QuestionKind::Single, "题", &o(&["甲", "乙"]), &[2]).is_err());
    }

    #[test]
    fn answers_and_scores() {
        assert!(is_right(&[0, 2], &[2, 0]));
        assert!(!is_right(&[0, 2], &[0]));
        assert!(!is_right(&[0, 2], &[0, 1, 2]));
        assert_eq!(score(17, 20), 85.0);
        assert_eq!(score(1, 3), 33.33);
        assert_eq!(score(0, 0), 0.0);
    }

    #[test]
    fn papers_spread_over_categories() {
        let bank: Vec<(i64, Category)> = (1..=50)
            .map(|i| (i, Category::ALL[(i as usize) % 5]))
            .collect();
        let p = draw(&bank, 20, 7);
        assert_eq!(p.len(), 20);
        let mut u = p.clone();
        u.sort_unstable();
        u.dedup();
        assert_eq!(u.len(), 20, "no question twice");
        for c in Category::ALL {
            let n = p
                .iter()
                .filter(|id| bank.iter().any(|(b, k)| b == *id && k == c))
                .count();
            assert_eq!(n, 4, "{c}");
        }
        assert_eq!(draw(&bank, 20, 7), p, "the seed fixes the paper");
        assert_ne!(draw(&bank, 20, 8), p);
        // a small bank gives what it has
        assert_eq!(draw(&bank[..3], 20, 1).len(), 3);
    }
}
