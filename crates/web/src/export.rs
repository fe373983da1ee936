//! The Excel writers (domain.md §8.2, §8.4): one rep's one-sheet and the market manager's roll-up
//! workbook, and the download response.
use app::AppError;
use app::sheets::{Rollup, SheetView};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::IsoWeek;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

fn xlsx_err(e: XlsxError) -> AppError {
    AppError::Conflict(format!("无法生成 Excel: {e}"))
}

/// A download of an Excel file named `name`.
pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The KPI page as a workbook: the scope's KPIs (value, last year, target, trend) and the
/// drill-down's places with every KPI.
pub fn kpi_workbook(v: &app::kpi::KpiView) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    write_kpis(wb.add_worksheet(), v).map_err(xlsx_err)?;
    write_kpi_children(wb.add_worksheet(), v).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

fn write_kpis(ws: &mut Worksheet, v: &app::kpi::KpiView) -> Result<(), XlsxError> {
    ws.set_name("指标")?;
    ws.write(0, 0, format!("{} · {}", v.label, v.month))?;
    let mut heads = vec![
        "指标".to_string(),
        "单位".into(),
        "本月".into(),
        "去年同期".into(),
        "目标".into(),
        "达标".into(),
    ];
    if let Some(k) = v.kpis.first() {
        heads.extend(k.trend.iter().map(|(m, _)| m.clone()));
    }
    heads.push("公式".into());
    for (c, h) in heads.iter().enumerate() {
        ws.write(1, c as u16, h)?;
    }
    for (r, k) in v.kpis.iter().enumerate() {
        let row = r as u32 + 2;
        ws.write(row, 0, k.name)?;
        ws.write(row, 1, k.unit)?;
        let num = |ws: &mut Worksheet, c: u16, x: Option<f64>| -> Result<(), XlsxError> {
            if let Some(x) = x {
                ws.write(row, c, (x * 100.0).round() / 100.0)?;
            }
            Ok(())
        };
        num(ws, 2, k.value)?;
        num(ws, 3, k.last_year)?;
        num(ws, 4, k.target)?;
        if let Some(g) = k.good {
            ws.write(row, 5, if g { "是" } else { "否" })?;
        }
        for (i, (_, x)) in k.trend.iter().enumerate() {
            num(ws, 6 + i as u16, *x)?;
        }
        ws.write(row, 6 + k.trend.len() as u16, k.formula)?;
    }
    Ok(())
}

fn write_kpi_children(ws: &mut Worksheet, v: &app::kpi::KpiView) -> Result<(), XlsxError> {
    ws.set_name(v.child_level.unwrap_or("下级"))?;
    ws.write(0, 0, v.child_level.unwrap_or("—"))?;
    for (c, (_, name)) in v.columns.iter().enumerate() {
        ws.write(0, c as u16 + 1, *name)?;
    }
    for (r, ch) in v.children.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write(row, 0, &ch.label)?;
        for (c, x) in ch.values.iter().enumerate() {
            if let Some(x) = x {
                ws.write(row, c as u16 + 1, (x * 100.0).round() / 100.0)?;
            }
        }
    }
    Ok(())
}

/// One rep's sheet of a week as a workbook of one worksheet named after the week.
pub fn sheet_workbook(week: IsoWeek, v: &SheetView) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(week.to_string()).map_err(xlsx_err)?;
    write_sheet(ws, v).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

/// The week's roll-up: a summary worksheet (汇总), then one worksheet per rep's sheet.
pub fn rollup_workbook(r: &Rollup, sheets: &[SheetView]) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    write_rollup(wb.add_worksheet(), r).map_err(xlsx_err)?;
    for v in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&v.username).map_err(xlsx_err)?;
        write_sheet(ws, v).map_err(xlsx_err)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

fn write_rollup(ws: &mut Worksheet, r: &Rollup) -> Result<(), XlsxError> {
    ws.set_name("汇总")?;
    let heads = [
        "客户经理",
        "姓名",
        "状态",
        "逾期",
        "重点任务",
        "销量目标",
        "销量实际",
        "拜访户数",
        "未关闭沟通事项",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        let y = i as u32 + 1;
        let t = |code: &str| row.targets.iter().find(|t| t.code == code);
        ws.write_string(y, 0, &row.username)?;
        ws.write_string(y, 1, &row.rep_name)?;
        ws.write_string(y, 2, row.status_zh)?;
        ws.write_string(y, 3, if row.late { "是" } else { "" })?;
        ws.write_string(y, 4, &row.top_priority)?;
        ws.write_number(y, 5, t("VOLUME").map_or(0.0, |t| t.target))?;
        ws.write_number(y, 6, t("VOLUME").map_or(0.0, |t| t.actual))?;
        ws.write_number(y, 7, t("VISITS").map_or(0.0, |t| t.actual))?;
        ws.write_number(y, 8, row.open_green as f64)?;
    }
    Ok(())
}

/// The six blocks of a one-sheet and the review comment, one block under the other.
fn write_sheet(ws: &mut Worksheet, v: &SheetView) -> Result<(), XlsxError> {
    use rust_xlsxwriter::Format;
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 30)?;
    ws.set_column_width(3, 30)?;
    let mut r = 0u32;
    ws.write_string_with_format(
        r,
        0,
        format!("客户经理一张纸 {} {} {}", v.rep_name, v.week, v.status_zh),
        &bold,
    )?;
    r += 2;
    ws.write_string_with_format(r, 0, "一、营销目标", &bold)?;
    r += 1;
    for (c, h) in ["指标", "单位", "本周目标", "实际完成", "差距"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for t in &v.targets {
        r += 1;
        ws.write_string(r, 0, &t.indicator)?;
        ws.write_string(r, 1, &t.unit)?;
        ws.write_number(r, 2, t.target)?;
        ws.write_number(r, 3, t.actual)?;
        ws.write_number(r, 4, t.gap)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "二、工作任务", &bold)?;
    r += 1;
    ws.write_string(r, 0, "上周问题")?;
    ws.write_string(r, 1, v.carried_over.join("；"))?;
    r += 1;
    ws.write_string(r, 0, "重点任务")?;
    ws.write_string(r, 1, &v.top_priority)?;
    for t in &v.checklist {
        r += 1;
        ws.write_string(r, 0, t.category.zh())?;
        ws.write_string(r, 1, &t.item)?;
        ws.write_string(r, 2, &t.method)?;
    }
    for d in &v.visit_plan {
        r += 1;
        ws.write_string(r, 0, format!("{} 拜访计划", d.weekday_zh))?;
        ws.write_string(r, 1, &d.focus)?;
        ws.write_string(
            r,
            2,
            d.visits
                .iter()
                .map(|x| format!("{}{}", x.customer_code, if x.done { "✓" } else { "" }))
                .collect::<Vec<_>>()
                .join(" "),
        )?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "三、执行跟踪", &bold)?;
    r += 1;
    for (c, h) in [
        "日期",
        "主要指标",
        "任务计划与完成",
        "临时性工作",
        "主要问题",
        "改进措施",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for t in &v.tracking {
        r += 1;
        ws.write_string(r, 0, format!("{} {}", t.weekday_zh, t.date))?;
        ws.write_string(r, 1, &t.main_indicators)?;
        ws.write_string(r, 2, &t.plan_vs_done)?;
        ws.write_string(r, 3, &t.adhoc)?;
        ws.write_string(r, 4, &t.problem)?;
        ws.write_string(r, 5, &t.improvement)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "四、改进措施", &bold)?;
    r += 1;
    ws.write_string(r, 0, "主要工作及完成情况")?;
    ws.write_string(r, 1, &v.improvement.summary)?;
    r += 1;
    ws.write_string(r, 0, "主要问题")?;
    ws.write_string(r, 1, &v.improvement.problems)?;
    r += 1;
    ws.write_string(r, 0, "解决措施")?;
    ws.write_string(r, 1, &v.improvement.measures)?;
    r += 2;
    ws.write_string_with_format(r, 0, "五、沟通绿色通道", &bold)?;
    for g in &v.green_channel {
        r += 1;
        ws.write_string(r, 0, &g.counterpart_zh)?;
        ws.write_string(r, 1, format!("[{}] {}", g.kind_zh, g.row.content))?;
        ws.write_string(r, 2, format!("{} · {}", g.channel_zh, g.status_zh))?;
        ws.write_string(r, 3, &g.row.answer)?;
    }
    r += 2;
    ws.write_string_with_format(r, 0, "审阅意见", &bold)?;
    ws.write_string(r, 1, &v.review_comment)?;
    Ok(())
}

/// A market analysis report's tables: a sheet per section with its figures, findings, the
/// author's text and the detail table.
pub fn report_workbook(r: &app::report::ReportView) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    for s in &r.parsed {
        write_report_section(wb.add_worksheet(), s).map_err(xlsx_err)?;
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

fn write_report_section(ws: &mut Worksheet, s: &app::report::Section) -> Result<(), XlsxError> {
    ws.set_name(&s.title)?;
    let mut row = 0u32;
    for (c, h) in ["指标", "本月", "去年同月", "目标", "单位"]
        .iter()
        .enumerate()
    {
        ws.write_string(row, c as u16, *h)?;
    }
    for f in &s.figures {
        row += 1;
        ws.write_string(row, 0, &f.name)?;
        for (c, v) in [f.value, f.last_year, f.target].iter().enumerate() {
            if let Some(v) = v {
                ws.write_number(row, c as u16 + 1, *v)?;
            }
        }
        ws.write_string(row, 4, &f.unit)?;
    }
    row += 2;
    ws.write_string(row, 0, "数据发现")?;
    for f in &s.findings {
        row += 1;
        ws.write_string(row, 0, f)?;
    }
    row += 2;
    ws.write_string(row, 0, "分析")?;
    ws.write_string(row, 1, &s.narrative)?;
    row += 1;
    ws.write_string(row, 0, "改进措施")?;
    ws.write_string(row, 1, &s.measures)?;
    row += 2;
    for (c, h) in s.table_head.iter().enumerate() {
        ws.write_string(row, c as u16, h)?;
    }
    for r in &s.table {
        row += 1;
        for (c, v) in r.iter().enumerate() {
            ws.write_string(row, c as u16, v)?;
        }
    }
    Ok(())
}

/// A month's payroll (domain.md §11.4): a line per account manager with each part, and the parts
/// in words.
pub fn payroll_workbook(p: &app::people::PayrollPage) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_payroll(ws, p).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

fn write_payroll(ws: &mut Worksheet, p: &app::people::PayrollPage) -> Result<(), XlsxError> {
    ws.set_name(format!("工资表{}", p.month.as_deref().unwrap_or("")))?;
    let head = [
        "用户名",
        "姓名",
        "所属机构",
        "用工类型",
        "评定级档",
        "执行级档",
        "任职年限",
        "基本岗位工资",
        "岗位浮动工资",
        "年功工资",
        "效益工资基数",
        "系数",
        "考核系数",
        "效益工资",
        "应发合计",
        "计算说明",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let yuan = |f: i64| f as f64 / 100.0;
    let mut row = 0u32;
    for l in &p.lines {
        row += 1;
        let r = &l.row;
        ws.write_string(row, 0, &r.username)?;
        ws.write_string(row, 1, &r.name)?;
        ws.write_string(row, 2, r.org_unit.as_deref().unwrap_or(""))?;
        ws.write_string(row, 3, &l.employment_zh)?;
        ws.write_string(row, 4, &l.grade_zh)?;
        ws.write_string(row, 5, &l.paid_grade_zh)?;
        ws.write_number(row, 6, r.years as f64)?;
        for (c, v) in [
            r.base_fen,
            r.allowance_fen,
            r.seniority_fen,
            r.perf_base_fen,
        ]
        .iter()
        .enumerate()
        {
            ws.write_number(row, 7 + c as u16, yuan(*v))?;
        }
        ws.write_number(row, 11, r.coefficient)?;
        ws.write_number(row, 12, r.factor)?;
        ws.write_number(row, 13, yuan(r.performance_fen))?;
        ws.write_number(row, 14, yuan(r.total_fen))?;
        ws.write_string(row, 15, l.lines.join("；"))?;
    }
    row += 1;
    ws.write_string(row, 1, "合计")?;
    ws.write_number(row, 14, yuan(p.total_fen))?;
    Ok(())
}
