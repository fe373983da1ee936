//! The market manager's roll-up (`/rollup`, `/api/v1/rollup`, `/api/v1/month-close`, domain.md
//! §8.3): the week's sheets, the month close, the Excel downloads, time in market (§2.3).
use crate::harness::*;

/// The one-sheet walk's roll-up: the reviewed sheet in the week's roll-up, the month close, the
/// sheets list across weeks, the page and both Excel downloads.
pub async fn step_rollup_and_month_close(t: &TestApp, mc: &Client, mm: &str, rep: &str) {
    let _s = step("rollup: the week's roll-up, the month close, the downloads");
    let (s, r) = t.get_json(mc, "/api/v1/rollup/2026-W47").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let row = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["username"] == rep)
        .unwrap()
        .clone();
    assert_eq!(row["status_zh"], "已审阅");
    assert_eq!(row["top_priority"], "预警客户逐户回访");
    assert_eq!(r["trend"].as_array().unwrap().len(), 9);
    let (s, m) = t.get_json(mc, "/api/v1/month-close/2026-11").await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["weeks"].as_array().unwrap().len(), 4);
    let (s, l) = t
        .get_json(mc, "/api/v1/sheets?from=2026-W40&to=2026-W47")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        l.as_array()
            .unwrap()
            .iter()
            .any(|x| x["username"] == rep && x["status"] == "REVIEWED")
    );
    let mf = t.login_form(mm).await;
    let (s, page) = t.get_html(&mf, "/rollup?week=2026-W47").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("周报汇总") && page.contains("预警客户逐户回访"));
    let r = t.get(&mf, "/rollup/2026-W47/xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.bytes().await.unwrap().starts_with(b"PK"),
        "an xlsx is a zip"
    );
    let r = t.get(&mf, &format!("/sheets/{rep}/2026-W47/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
}

// The market manager's roll-up shows time in market: a line for the manager and one per rep,
// against the minimum.
both_backends!(managers_time_in_market, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let mm = t.staff(&t.manager_of(&rep).await).await;
    let code = t.first_retailer_of(&rep).await;
    // Monday 09:00–09:40 China time; the clock stands at 10:00.
    let c = t.login(&rep).await;
    let (s, v) = t.post_json(&c, "/api/v1/visits", &json!({"retailer_code": code, "started_at": "2026-11-16T01:00:00Z", "ended_at": "2026-11-16T01:40:00Z"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let f = t.login_form(&mm.username).await;
    let (s, page) = t.get_html(&f, "/rollup?week=2026-W47").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("在市场时间"), "section shown");
    assert!(page.contains("每周 ≥ 2 天"), "the manager's minimum");
    assert!(
        page.contains(&mm.name) && page.contains("在市场 0 天，0.0 小时"),
        "the manager's own line"
    );
    assert!(page.contains("每个工作日 ≥ 5 小时"), "the reps' minimum");
    assert!(
        page.contains("达标 0/1 天，0.7 小时"),
        "the rep's 40 minutes"
    );
    let (s, r) = t
        .get_json(&t.login(&mm.username).await, "/api/v1/rollup/2026-W47")
        .await;
    assert_eq!(s, StatusCode::OK);
    let line = r["field_time"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["username"] == rep.as_str())
        .unwrap()
        .clone();
    assert!(
        (line["hours"].as_f64().unwrap() - 0.7).abs() < 1e-9,
        "{line}"
    );
    assert_eq!(line["met"], false);
    assert_eq!(r["field_time"][0]["username"], mm.username.as_str());
});

// The roll-up and the month close read the whole scope in a few grouped reads; each rep's line
// must still equal what the rep's own sheet and visit statistics say (domain.md §8.3, §8.4, §7).
both_backends!(
    rollup_lines_equal_each_reps_own_figures,
    async |t: TestApp| {
        let rep = t.user_of_role("account_manager").await;
        let center = t.user_of_role("marketing_center").await;
        let code = t.first_retailer_of(&rep).await;
        let c = t.login(&rep).await;
        let (s, v) = t.post_json(&c, "/api/v1/visits", &json!({"retailer_code": code, "started_at": "2026-11-16T00:10:00Z", "ended_at": "2026-11-16T01:50:00Z"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let m = t.login(&center).await;
        let (s, r) = t.get_json(&m, "/api/v1/rollup/2026-W47").await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let rows = r["rows"].as_array().unwrap();
        assert!(rows.len() > 1, "every rep of the company");
        for row in rows {
            let who = row["username"].as_str().unwrap();
            let (s, sheet) = t
                .get_json(&m, &format!("/api/v1/sheets/{who}/2026-W47"))
                .await;
            assert_eq!(s, StatusCode::OK, "{sheet}");
            assert_eq!(
                row["targets"], sheet["targets"],
                "targets and actuals of {who}"
            );
            assert_eq!(row["stored"], sheet["stored"]);
            assert_eq!(row["late"], sheet["late"]);
        }
        let mine = rows.iter().find(|x| x["username"] == rep.as_str()).unwrap();
        let visits = mine["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == "VISITS")
            .unwrap();
        assert_eq!(visits["actual"], 1.0, "the one visit of the week");
        let (s, close) = t.get_json(&m, "/api/v1/month-close/2026-11").await;
        assert_eq!(s, StatusCode::OK, "{close}");
        for row in close["rows"].as_array().unwrap() {
            let who = row["username"].as_str().unwrap();
            let (s, st) = t
                .get_json(
                    &m,
                    &format!("/api/v1/visits/stats?username={who}&month=2026-11"),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{st}");
            assert!(
                (row["visit_coverage_pct"].as_f64().unwrap()
                    - st["coverage_pct"].as_f64().unwrap())
                .abs()
                    < 1e-9,
                "coverage of {who}: {row} vs {st}"
            );
        }
    }
);
