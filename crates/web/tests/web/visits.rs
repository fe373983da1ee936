//! Visits (`/today`, `/api/v1/visits`, domain.md §2.3): visits with traces filling the one-sheet's
//! tracking, the time rules (no future, no overlap, one open visit), access refusals, and
//! today's route with one-tap check-in and check-out.
use crate::harness::*;

/// D (the one-sheet walk): a whole visit recorded afterwards (09:00–09:40 China) and a check-in
/// now (10:00) with a check-out at 10:30 with traces fill the tracking block. Returns the sheet.
pub async fn step_visits_fill_tracking(
    t: &TestApp, c: &Client, w1: &str, day1: &[String],
) -> Value {
    let _s = step("visits: D — two visits fill Monday's tracking");
    let (s, a) = t.post_json(c, "/api/v1/visits", &json!({"retailer_code": day1[0], "started_at": "2026-11-16T01:00:00Z", "ended_at": "2026-11-16T01:40:00Z", "purpose": "线路拜访"})).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, b) = t
        .post_json(
            c,
            "/api/v1/visits",
            &json!({"retailer_code": day1[1], "lat": 30.1, "lng": 120.2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b["ended_at"].is_null());
    t.at_utc(2026, 11, 16, 2, 30);
    let sku: String = store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>("SELECT sku_code FROM product ORDER BY id LIMIT 1").fetch_one(p).await.unwrap());
    let (s, b) = t.post_json(c, &format!("/api/v1/visits/{}/checkout", b["id"]), &json!({
        "service_items": [{"category": "CUSTOMER_SERVICE", "item": "订货指导与合理定量"}, {"category": "INFO_COLLECTION"}],
        "demand_notes": "细支需求上升", "brand_notes": "重点品牌断货", "consumer_feedback": "价格稳定", "anomalies": "",
        "advice": "下周增加细支订量", "observations": [{"sku_code": sku, "stock_qty": 12, "retail_price_fen": 2300}]
    })).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["minutes"], 30);
    assert_eq!(b["service_items"].as_array().unwrap().len(), 2);
    let (s, list) = t.get_json(c, "/api/v1/visits?from=2026-11-16").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (s, st) = t.get_json(c, "/api/v1/visits/stats?month=2026-11").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["visited"], 2);
    let monday = st["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-16")
        .unwrap()
        .clone();
    assert_eq!(monday["met"], false, "70 minutes is below 5 hours");
    assert!((monday["hours"].as_f64().unwrap() - 70.0 / 60.0).abs() < 1e-6);

    let (_, v) = t.get_json(c, w1).await;
    assert_eq!(v["tracking"][0]["done"], 2, "{}", v["tracking"][0]);
    assert!(
        v["tracking"][0]["plan_vs_done"]
            .as_str()
            .unwrap()
            .contains("完成 2 户")
    );
    assert_eq!(v["visit_plan"][0]["visits"][0]["done"], true);
    let visits = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "VISITS")
        .unwrap();
    assert_eq!(visits["actual"], 2.0);
    v
}

both_backends!(visit_time_and_access_refusals, async |t: TestApp| {
    let reps = t.users_of_role("account_manager").await;
    let (rep, other) = (reps[0].clone(), reps[1].clone());
    let own = t.first_retailer_of(&rep).await;
    let foreign = t.first_retailer_of(&other).await;
    let c = t.login(&rep).await;
    let visit = async |c: &Client, body: Value| t.post_json(c, "/api/v1/visits", &body).await;

    let (s, e) = visit(&c, json!({"retailer_code": foreign, "started_at": "2026-11-16T00:00:00Z", "ended_at": "2026-11-16T00:10:00Z"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        e["detail"].as_str().unwrap().contains("不属于您的辖区"),
        "{e}"
    );
    let (s, _) = visit(&c, json!({"retailer_code": "420399999999"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The clock stands at 10:00 China time (02:00Z).
    let (s, e) = visit(
        &c,
        json!({"retailer_code": own, "started_at": "2026-11-16T03:00:00Z"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("未来"), "{e}");
    let (s, e) = visit(&c, json!({"retailer_code": own, "started_at": "2026-11-16T01:00:00Z", "ended_at": "2026-11-16T00:30:00Z"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "ended_at");
    assert!(e["detail"].as_str().unwrap().contains("早于"), "{e}");
    let (s, a) = visit(&c, json!({"retailer_code": own, "started_at": "2026-11-16T00:00:00Z", "ended_at": "2026-11-16T00:30:00Z"})).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, e) = visit(&c, json!({"retailer_code": own, "started_at": "2026-11-16T00:15:00Z", "ended_at": "2026-11-16T00:45:00Z"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(e["detail"].as_str().unwrap().contains("重叠"), "{e}");
    // Back to back is fine; a second open check-in is not.
    let (s, _) = visit(&c, json!({"retailer_code": own, "started_at": "2026-11-16T00:30:00Z", "ended_at": "2026-11-16T00:50:00Z"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, open) = visit(&c, json!({"retailer_code": own})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = visit(&c, json!({"retailer_code": own})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(e["detail"].as_str().unwrap().contains("未离店"), "{e}");
    // Check-out before the check-in is refused; only the rep checks out.
    let checkout = format!("/api/v1/visits/{}/checkout", open["id"]);
    let oc = t.login(&other).await;
    let (s, _) = t.post_json(&oc, &checkout, &json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = t
        .post_json(&c, &checkout, &json!({"ended_at": "2026-11-16T01:00:00Z"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, e) = t
        .post_json(
            &c,
            &checkout,
            &json!({"observations": [{"sku_code": "nope", "stock_qty": 1, "retail_price_fen": 1}]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e["field"].as_str().unwrap().starts_with("observations[0]"));
    // Another rep's visits are closed.
    let (s, _) = t
        .get_json(&oc, &format!("/api/v1/visits?username={rep}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});

// Today's route: an open visit is shown with its one-tap check-out; route stops offer check-in;
// another rep's retailer is refused on the form.
both_backends!(today_page_checkin_and_checkout, async |t: TestApp| {
    let reps = t.users_of_role("account_manager").await;
    let (rep, other) = (reps[0].clone(), reps[1].clone());
    let own = t.first_retailer_of(&rep).await;
    let foreign = t.first_retailer_of(&other).await;
    let f = t.login_form(&rep).await;
    let (s, open) = t
        .post_json(&f, "/api/v1/visits", &json!({"retailer_code": own}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{open}");
    let (s, page) = t.get_html(&f, "/today").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("今日拜访") && page.contains("正在拜访") && page.contains("离店签退"),
        "open visit shown"
    );
    let csrf = hidden(&page, "csrf");
    let (s, _) = t
        .post_form(
            &f,
            "/today/checkout",
            &[
                ("csrf", csrf.as_str()),
                ("visit_id", &open["id"].to_string()),
                ("service", "CUSTOMER_SERVICE"),
                ("advice", "补价签"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = t.get_html(&f, "/today").await;
    assert!(page.contains("进店签到"), "route stops offer check-in");
    let (s, body) = t
        .post_form(
            &f,
            "/today/checkin",
            &[("csrf", csrf.as_str()), ("retailer_code", foreign.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(body.contains("不属于您的辖区"));
});
