//! The market analysis report (`/reports`, `/api/v1/market-reports…`, domain.md §7 ⑥): a market
//! manager's draft from the month's data (its figures equal the KPI page's), the edit with its
//! refusals, submit, the director's return and acceptance, the read-only archive, the scopes,
//! the print view (A4, a page per section, checked with Chromium where installed) and the Excel.
use crate::harness::*;

const API: &str = "/api/v1/market-reports";
const MONTH: &str = "2026-10";

fn kpi(v: &Value, code: &str) -> Option<f64> {
    v["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == code)
        .and_then(|k| k["value"].as_f64())
}

both_backends!(report_from_draft_to_archive, async |t: TestApp| {
    let mm_name = t.user_of_role("market_manager").await;
    let mm = t.login(&mm_name).await;
    let (_, rep) = t.login_as(Role::AccountManager).await;
    let (s, _) = t.post_json(&rep, API, &json!({"month": MONTH})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = t.post_json(&mm, API, &json!({"month": "2026/10"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("month"));
    let (s, e) = t.post_json(&mm, API, &json!({"month": "2027-03"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // The draft: six sections in order, the market figures equal to the KPI page's.
    let (s, r) = t.post_json(&mm, API, &json!({"month": MONTH})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().unwrap();
    let kinds: Vec<&str> = r["parsed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "MARKET",
            "BRAND",
            "CUSTOMER",
            "SERVICE",
            "INVENTORY",
            "PROFIT"
        ]
    );
    assert_eq!(r["status"], "DRAFT");
    let scope = r["scope"].as_str().unwrap().to_string();
    assert!(scope.starts_with("area:"));
    let (_, k) = t
        .get_json(&mm, &format!("/api/v1/kpi?scope={scope}&month={MONTH}"))
        .await;
    let market = &r["parsed"][0];
    let volume = market["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "销量")
        .unwrap();
    assert_eq!(volume["value"].as_f64(), kpi(&k, "VOLUME"));
    assert!(market["findings"][0].as_str().unwrap().starts_with("销量 "));
    assert!(!market["narrative"].as_str().unwrap().is_empty());
    assert_eq!(market["trend"].as_array().unwrap().len(), 13);
    let (s, _) = t.post_json(&mm, API, &json!({"month": MONTH})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Edits: refusals by field, a stale version.
    let v = r["version"].as_i64().unwrap();
    let put = |sections: Value, version: i64| json!({"sections": sections, "version": version});
    let long = "长".repeat(2_001);
    for (sections, field) in [
        (
            json!([{"kind": "WEATHER", "narrative": "x"}]),
            "sections[0].kind",
        ),
        (
            json!([{"kind": "MARKET", "narrative": long}]),
            "sections[0].narrative",
        ),
    ] {
        let (s, e) = t
            .put_json(&mm, &format!("{API}/{id}"), &put(sections, v))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(e.to_string().contains(field), "{e}");
    }
    let text = json!([{"kind": "MARKET", "narrative": "销量增长主要来自城区", "measures": "加强农网拜访"}]);
    let (s, r) = t
        .put_json(&mm, &format!("{API}/{id}"), &put(text.clone(), v))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["parsed"][0]["measures"], "加强农网拜访");
    let (s, _) = t
        .put_json(&mm, &format!("{API}/{id}"), &put(text.clone(), v))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "stale version");
    let v = r["version"].as_i64().unwrap();

    // Submit; the director returns it with a comment, then accepts it.
    let step = |action: &str, comment: &str, version: i64| json!({"action": action, "comment": comment, "version": version});
    let (s, r) = t
        .post_json(&mm, &format!("{API}/{id}/steps"), &step("SUBMIT", "", v))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "SUBMITTED");
    let v = r["version"].as_i64().unwrap();
    let (s, _) = t
        .put_json(&mm, &format!("{API}/{id}"), &put(text.clone(), v))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not editable once submitted");
    let (s, _) = t
        .post_json(&mm, &format!("{API}/{id}/steps"), &step("ACCEPT", "", v))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no one accepts their own report");
    let county: i64 = t
        .scalar_i64(
            &format!("SELECT county_id FROM market_report WHERE id = {id}"),
            &[],
        )
        .await;
    let director = t
        .scalar_text(
            "SELECT s.username FROM staff s JOIN org_unit u ON u.id = s.org_unit_id \
             WHERE s.role = 'marketing_director' AND (u.id = $1 OR u.parent_id = $1) ORDER BY s.id LIMIT 1",
            county,
        )
        .await;
    let d = t.login(&director).await;
    let (s, seen) = t.get_json(&d, &format!("{API}/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["can_review"], true);
    let (s, e) = t
        .post_json(&d, &format!("{API}/{id}/steps"), &step("RETURN", "", v))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("comment"));
    let (s, r) = t
        .post_json(
            &d,
            &format!("{API}/{id}/steps"),
            &step("RETURN", "请补充农网分析", v),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "RETURNED");
    let v = r["version"].as_i64().unwrap();
    let (s, r) = t
        .put_json(&mm, &format!("{API}/{id}"), &put(text.clone(), v))
        .await;
    assert_eq!(s, StatusCode::OK, "a returned report is edited again");
    let v = r["version"].as_i64().unwrap();
    let (_, r) = t
        .post_json(&mm, &format!("{API}/{id}/steps"), &step("SUBMIT", "", v))
        .await;
    let v = r["version"].as_i64().unwrap();
    let (s, r) = t
        .post_json(
            &d,
            &format!("{API}/{id}/steps"),
            &step("ACCEPT", "分析到位", v),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "ACCEPTED");
    let v = r["version"].as_i64().unwrap();
    let (s, _) = t.put_json(&mm, &format!("{API}/{id}"), &put(text, v)).await;
    assert_eq!(s, StatusCode::CONFLICT, "an accepted report is read-only");
    let actions: Vec<&str> = r["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "CREATE", "EDIT", "SUBMIT", "RETURN", "EDIT", "SUBMIT", "ACCEPT"
        ]
    );
    assert_eq!(t.audit_count("report.accept").await, 1);

    // Scopes: another area's market manager is refused; the centre reads it.
    let other = t
        .scalar_text(
            "SELECT username FROM staff WHERE role = 'market_manager' AND org_unit_id <> \
             (SELECT area_id FROM market_report WHERE id = $1) ORDER BY id LIMIT 1",
            id,
        )
        .await;
    let o = t.login(&other).await;
    let (s, _) = t.get_json(&o, &format!("{API}/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, center) = t.login_as(Role::MarketingCenter).await;
    let (s, list) = t.get_json(&center, API).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list["reports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r[0]["id"] == id)
    );

    // The pages: the report, its print view (a page per section), the Excel.
    let (s, html) = t.get_html(&mm, &format!("/reports/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "市场分析",
        "库存分析",
        "盈利分析",
        "数据发现",
        "处理记录",
        "<svg",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let (s, print) = t.get_html(&mm, &format!("/reports/{id}/print")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(print.matches("class=\"report-page\"").count(), 6);
    let r = t.get(&mm, &format!("/reports/{id}/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (s, html) = t.get_html(&mm, "/reports").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("href=\"/reports\"") && html.contains("根据数据生成报告草稿"));
});

/// Chromium prints a report on A4 with a page for each of its six sections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_prints_a_page_per_section() {
    if !std::path::Path::new("/usr/bin/chromium").exists() && std::env::var_os("CI").is_none() {
        eprintln!("/usr/bin/chromium not installed: report print test skipped");
        return;
    }
    let t = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let (_, c) = t.login_as(Role::MarketingCenter).await;
    let (s, r) = t.post_json(&c, API, &json!({"month": MONTH})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().unwrap();
    let (s, html) = t.get_html(&c, &format!("/reports/{id}/print")).await;
    assert_eq!(s, StatusCode::OK);
    let n = pdf_pages(&t, &html, "report").await.expect("chromium");
    assert!(n >= 6, "a page (at least) per section: {n}");
}
