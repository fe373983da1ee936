//! The month's cycle (domain.md §7): the calendar (`/cycle`, `/api/v1/cycle`) and two walks through
//! a whole month on the test city — one through the JSON API, one through the pages as people use
//! them — with the clock set per step. The walks are tables of contents: each step is a named
//! function in the area it exercises (forecasts, pos, supply_balance, feedback, meeting), so a
//! failure names its step.
use crate::harness::*;
use crate::{feedback, forecasts, meeting, pos, supply_balance};

/// The month being forecast; its orders are in the test city's data.
pub const TARGET: &str = "2026-10";

// Issue 5: model forecasts, a rep's interactive forecast, a POS self-report and its review,
// submission, a market manager's refused edit, supply entry (with a failed upload), balancing,
// publish, feedback, accuracy — figures checked against the engines and independent SQL.
both_backends!(month_walk_api, async |t: TestApp| {
    // ① forecast phase of working month 2026-09: forecasting 2026-10.
    t.at(2026, 9, 2);
    let center = t.login("yxzx01").await;
    api_step_calendar(&t, &center).await;
    forecasts::api_step_model_job(&t, &center).await;
    let rep = forecasts::api_step_interactive_forecast(&t).await;
    pos::api_step_self_report_then_review(&t, &rep).await;
    forecasts::api_step_manager_edit_refused(&t, &rep).await;
    // ② submission on the 8th.
    t.at(2026, 9, 8);
    forecasts::api_step_submit_all(&t, &rep).await;
    // ④ balancing.
    t.at(2026, 9, 17);
    let supply = supply_balance::api_step_supply_entry(&t, &center).await;
    let balanced = supply_balance::api_step_balance_run(&t, &center, &supply).await;
    supply_balance::api_step_review_in_scope(&t, &center).await;
    forecasts::api_step_phone_page_shows_cap(&t, &center, &supply, &balanced).await;
    supply_balance::api_step_publish(&t, &center, &supply, &balanced).await;
    // ⑤ feedback.
    t.at(2026, 9, 21);
    feedback::api_step_tick_once(&t, &rep, &center).await;
    // Accuracy once the target month's orders are in.
    meeting::api_step_accuracy(&t, &center).await;
});

/// The calendar of working month 2026-09 in its forecast phase.
async fn api_step_calendar(t: &TestApp, center: &Client) {
    let _s = step("cycle: the calendar stands in the forecast phase");
    let (s, run) = t.get_json(center, "/api/v1/cycle/CTY01/2026-09").await;
    assert_eq!(s, StatusCode::OK, "{run}");
    assert_eq!(run["standing"], "FORECAST");
    assert_eq!(run["phases"].as_array().unwrap().len(), 6);
    assert_eq!(run["phases"][1]["to"], "2026-09-08");
}

// Issue 5's pages walked as people use them: the calendar, the rep's forecast pages (phone form,
// submit, locked), the market manager's read-only view (no number inputs, a forged post refused),
// supply entry and upload (a bad file names the row), balancing, feedback ticks, the forecast
// meeting — with the JSON API checking what the forms wrote.
both_backends!(month_walk_pages, async |t: TestApp| {
    t.at(2026, 9, 2);
    let center = t.login_form("yxzx01").await;
    let r = t
        .post_empty(
            &center,
            &format!("/api/v1/forecasts/{TARGET}/model?wait=true"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rep = t.users_of_role("account_manager").await.remove(0);
    let rc = t.login_form(&rep).await;

    pages_step_calendar(&t, &rc, &center).await;
    let edit = forecasts::pages_step_phone_form(&t, &rc).await;
    let mc = forecasts::pages_step_manager_read_only(&t, &rep, &rc, &edit).await;
    forecasts::pages_step_submit_and_comment(&t, &rep, &rc, &mc, &edit).await;
    let ctoken = supply_balance::pages_step_supply(&t, &rc, &center, &edit).await;
    t.at(2026, 9, 18);
    supply_balance::pages_step_balance(&t, &rc, &center, &edit, &ctoken).await;
    t.at(2026, 9, 22);
    feedback::pages_step_feedback(&t, &rc, &edit).await;
    t.at(2026, 11, 3);
    meeting::pages_step_december_meeting(&t, &rc, &mc.client).await;
});

/// ① The calendar: the rep lands on their county's working month; the center sees its own.
async fn pages_step_calendar(t: &TestApp, rc: &Client, center: &Client) {
    let _s = step("cycle: the calendar page");
    let r = t.get(rc, "/cycle").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cyc = location(&r);
    assert!(cyc.ends_with("/2026-09"), "{cyc}");
    let (s, page) = t.get_html(rc, &cyc).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    for w in [
        "月度日历",
        "①市场需求预测",
        "⑥",
        "今日待办",
        "逾期",
        "拜访预测到位率",
    ] {
        assert!(page.contains(w), "cycle page lacks {w}");
    }
    let (s, page) = t.get_html(center, "/cycle/CTY01/2026-09").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("营销中心") && page.contains("/cycle/CTY01/2026-10"));
}
