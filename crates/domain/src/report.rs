//! 市场分析报告 (domain.md §7 ⑥ 总结; seed 004: "市场分析报告 covering market, brand, customer,
//! service, inventory and profit"): the six sections, the report's states and who may move it,
//! and the sentences a draft's findings are written in.
use crate::code_enum;

code_enum!(
    /// The six sections of a market analysis report, in order.
    SectionKind, "报告章节" {
        Market => ("MARKET", "市场"),
        Brand => ("BRAND", "品牌"),
        Customer => ("CUSTOMER", "客户"),
        Service => ("SERVICE", "服务"),
        Inventory => ("INVENTORY", "库存"),
        Profit => ("PROFIT", "盈利"),
    }
);

code_enum!(
    /// A report's state: drafted and edited by its author, submitted to the level above, which
    /// returns it (with a comment) or accepts it; an accepted report is archived and read-only.
    ReportStatus, "报告状态" {
        Draft => ("DRAFT", "草稿"),
        Submitted => ("SUBMITTED", "已提交待审"),
        Returned => ("RETURNED", "已退回修改"),
        Accepted => ("ACCEPTED", "已通过归档"),
    }
);

impl ReportStatus {
    /// The author may edit and submit.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }

    /// The level above may return or accept.
    pub fn reviewable(self) -> bool {
        self == ReportStatus::Submitted
    }
}

/// A figure's value in words with its unit ("12,345 条", "88.1%", "215.40 元/条").
pub fn value_text(v: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{v:.1}%"),
        "条" => format!("{} 条", crate::money::group_thousands(v.round() as i64)),
        u => format!("{v:.2} {u}"),
    }
}

/// The direction and size of a change against last year, as a sentence:
/// "销量 12,345 条，同比增长 5.2%（去年同月 11,735 条）"; for a % figure the change is in
/// percentage points.
pub fn change_sentence(name: &str, value: f64, last_year: Option<f64>, unit: &str) -> String {
    let now = value_text(value, unit);
    match last_year {
        None => format!("{name} {now}（去年同月无数据）"),
        Some(ly) if unit == "%" => {
            let d = value - ly;
            let dir = if d > 0.05 {
                format!("同比上升 {d:.1} 个百分点")
            } else if d < -0.05 {
                format!("同比下降 {:.1} 个百分点", -d)
            } else {
                "与去年同月持平".into()
            };
            format!("{name} {now}，{dir}（去年同月 {}）", value_text(ly, unit))
        }
        Some(ly) if ly.abs() > f64::EPSILON => {
            let g = (value - ly) / ly.abs() * 100.0;
            let dir = if g > 0.05 {
                format!("同比增长 {g:.1}%")
            } else if g < -0.05 {
                format!("同比下降 {:.1}%", -g)
            } else {
                "与去年同月持平".into()
            };
            format!("{name} {now}，{dir}（去年同月 {}）", value_text(ly, unit))
        }
        Some(_) => format!("{name} {now}（去年同月为 0）"),
    }
}

/// Against a target (a floor): "重点品牌销售比重 88.1%，低于目标 89.5% 1.4 个百分点".
pub fn target_sentence(name: &str, value: f64, target: f64) -> String {
    let d = value - target;
    if d >= 0.0 {
        format!("{name} {value:.1}%，达到目标 {target:.1}%（高出 {d:.1} 个百分点）")
    } else {
        format!(
            "{name} {value:.1}%，低于目标 {target:.1}% {:.1} 个百分点",
            -d
        )
    }
}

/// Who drives a figure: the largest and the smallest of the places one level down,
/// "下一级中最高：甲（12.0%），最低：乙（3.0%）".
pub fn spread_sentence(name: &str, places: &[(String, f64)], unit: &str) -> Option<String> {
    let hi = places.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let lo = places.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    if places.len() < 2 {
        return None;
    }
    Some(format!(
        "{name}下一级中最高：{}（{}），最低：{}（{}）",
        hi.0,
        value_text(hi.1, unit),
        lo.0,
        value_text(lo.1, unit)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_say_direction_and_size() {
        assert_eq!(
            change_sentence("销量", 12_345.0, Some(11_735.0), "条"),
            "销量 12,345 条，同比增长 5.2%（去年同月 11,735 条）"
        );
        assert_eq!(
            change_sentence("市场覆盖率", 80.0, Some(82.5), "%"),
            "市场覆盖率 80.0%，同比下降 2.5 个百分点（去年同月 82.5%）"
        );
        assert_eq!(
            change_sentence("条均价", 215.4, None, "元/条"),
            "条均价 215.40 元/条（去年同月无数据）"
        );
        assert_eq!(
            target_sentence("重点品牌销售比重", 88.1, 89.5),
            "重点品牌销售比重 88.1%，低于目标 89.5% 1.4 个百分点"
        );
        assert_eq!(
            spread_sentence(
                "毛利率",
                &[("甲".into(), 12.0), ("乙".into(), 3.0), ("丙".into(), 8.0)],
                "%"
            )
            .unwrap(),
            "毛利率下一级中最高：甲（12.0%），最低：乙（3.0%）"
        );
        assert_eq!(spread_sentence("x", &[("甲".into(), 1.0)], "%"), None);
        assert!(ReportStatus::Returned.editable() && !ReportStatus::Accepted.editable());
        assert!(ReportStatus::Submitted.reviewable() && !ReportStatus::Draft.reviewable());
    }
}
