//! The rep's one-sheet (`/sheets`, `/api/v1/sheets`, domain.md §8): the PDCA loop over two weeks
//! (a walk of named steps; its visit, green-channel and roll-up steps live in `visits`, `inbox`
//! and `rollup`), access refusals, the sheet page's form, green-channel items to retailers, and
//! the A4 print through Chromium.
use crate::harness::*;
use crate::{inbox, rollup, visits};

/// A checklist tick of the given number.
pub fn tick(i: usize) -> Value {
    json!({"category": "CUSTOMER_SERVICE", "item": format!("订货指导 {i}"), "method": format!("逐户核对库存并建议订量 {i}")})
}

// Issue 6: the PDCA loop over two weeks (domain.md §2.3, §8).
both_backends!(pdca_loop_over_two_weeks, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let mm = t.manager_of(&rep).await;
    let c = t.login(&rep).await;
    let w1 = format!("/api/v1/sheets/{rep}/2026-W47");

    let (v, day1) = step_plan_draft(&t, &c, &w1).await;
    let v = step_refused_edits(&t, &c, &w1, v).await;
    step_edit_then_submit_needs_tracking(&t, &c, &w1, v).await;
    let v = visits::step_visits_fill_tracking(&t, &c, &w1, &day1).await;
    let body = step_fill_working_days(&t, &c, &w1, v).await;
    inbox::step_green_channel_answered(&t, &c, &w1).await;
    step_submit(&t, &c, &w1).await;
    let mc = step_review(&t, &c, &mm, &w1, &body).await;
    rollup::step_rollup_and_month_close(&t, &mc, &mm, &rep).await;
    step_traces(&t, &rep).await;
    step_measures_carried_over(&t, &c, &rep).await;
});

/// P: the draft is generated from the data. Returns it and Monday's route.
async fn step_plan_draft(t: &TestApp, c: &Client, w1: &str) -> (Value, Vec<String>) {
    let _s = step("sheets: P — the draft is generated from the data");
    let (s, v) = t.get_json(c, w1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "DRAFT");
    assert_eq!(v["stored"], false);
    assert_eq!(v["targets"].as_array().unwrap().len(), 5);
    assert!(
        v["targets"][0]["target"].as_f64().unwrap() > 0.0,
        "volume target from last year"
    );
    assert_eq!(v["visit_plan"].as_array().unwrap().len(), 5);
    let day1: Vec<String> = v["visit_plan"][0]["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["customer_code"].as_str().unwrap().to_string())
        .collect();
    assert!(day1.len() >= 2, "Monday's route has customers");
    assert_eq!(v["links"].as_array().unwrap().len(), 6);
    (v, day1)
}

/// A sixth priority is refused with its reason, a tick without its concrete method too, and
/// nothing is stored. Returns the draft read again.
async fn step_refused_edits(t: &TestApp, c: &Client, w1: &str, v: Value) -> Value {
    let _s = step("sheets: a sixth priority and a tick without method are refused");
    let mut body = v;
    body["checklist"] = json!((0..6).map(tick).collect::<Vec<_>>());
    let (s, e) = t.put_json(c, w1, &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("不超过 5 项"), "{e}");
    assert_eq!(e["title"], "不符合规则");
    body["checklist"] = json!([{"category": "MARKET_ANALYSIS", "item": "品牌动销", "method": ""}]);
    let (s, e) = t.put_json(c, w1, &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["detail"].as_str().unwrap().contains("具体做法"));
    let (_, v) = t.get_json(c, w1).await;
    assert_eq!(v["stored"], false);
    v
}

/// Edit: five ticks, the top priority, the week's problems and measures; submit then needs every
/// working day's tracking.
async fn step_edit_then_submit_needs_tracking(t: &TestApp, c: &Client, w1: &str, v: Value) {
    let _s = step("sheets: edit, then submit needs every day's tracking");
    let mut body = v;
    body["checklist"] = json!((0..5).map(tick).collect::<Vec<_>>());
    body["top_priority"] = json!("预警客户逐户回访");
    body["tracking"] = json!([{"day": 1, "main_indicators": "拜访 2 户", "problem": "两户断货", "improvement": "周二补货"}]);
    body["improvement"] = json!({"summary": "完成线路拜访", "problems": "两户断货", "measures": "周二前完成断货客户补货"});
    let (s, v) = t.put_json(c, w1, &body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stored"], true);
    assert_eq!(v["checklist"].as_array().unwrap().len(), 5);
    let (s, e) = t.post_json(c, &format!("{w1}/submit"), &json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("周二"), "{e}");
}

/// Fill the other working days' tracking. Returns the body saved.
async fn step_fill_working_days(t: &TestApp, c: &Client, w1: &str, v: Value) -> Value {
    let _s = step("sheets: fill every working day's tracking");
    let mut body = v;
    body["tracking"] = json!((1..=5).map(|d| json!({"day": d, "main_indicators": format!("第 {d} 天指标"), "problem": "", "improvement": ""})).collect::<Vec<_>>());
    let (s, _) = t.put_json(c, w1, &body).await;
    assert_eq!(s, StatusCode::OK);
    body
}

/// Submit once, late = false, the answered green-channel item on the sheet; a second submit is
/// refused.
async fn step_submit(t: &TestApp, c: &Client, w1: &str) {
    let _s = step("sheets: submit");
    let (s, v) = t.post_json(c, &format!("{w1}/submit"), &json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "SUBMITTED");
    assert_eq!(v["late"], false);
    assert_eq!(v["green_channel"][0]["status"], "ANSWERED");
    assert_eq!(v["green_channel"][0]["answer"], "已转专卖核查");
    let (s, _) = t.post_json(c, &format!("{w1}/submit"), &json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

/// C: the market manager reads, may not edit, reviews with a comment; the rep may not review;
/// a reviewed sheet is closed. Returns the manager's client.
async fn step_review(t: &TestApp, c: &Client, mm: &str, w1: &str, body: &Value) -> Client {
    let _s = step("sheets: C — the market manager reviews");
    let (s, _) = t
        .post_json(c, &format!("{w1}/review"), &json!({"comment": "自评"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mc = t.login(mm).await;
    let (s, mv) = t.get_json(&mc, w1).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = t.put_json(&mc, w1, &mv).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(e["detail"].as_str().unwrap().contains("不能修改"));
    // The manager reviews on the sheet's page, as a person does: its form's one text field.
    let page = w1.trim_start_matches("/api/v1");
    let (s, html) = t.get_html(&mc, page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(r#"<textarea name="text" rows="2" required>"#),
        "the review form"
    );
    let r = t
        .submit_form(
            &mc,
            page,
            &format!("{page}/review"),
            &[("text", "断货客户要跟到底")],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (s, v) = t.get_json(&mc, w1).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "REVIEWED");
    assert_eq!(v["review_comment"], "断货客户要跟到底");
    let (s, _) = t.put_json(c, w1, body).await;
    assert_eq!(s, StatusCode::CONFLICT, "a reviewed sheet is closed");
    mc
}

/// 痕迹: every write left its trace.
async fn step_traces(t: &TestApp, rep: &str) {
    let _s = step("sheets: every write left its trace");
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'one_sheet' AND actor_id = $1",
            &[t.staff_id(rep).await],
        )
        .await;
    assert!(n >= 3, "save, save, submit: {n}");
    let n = t
        .scalar_i64("SELECT COUNT(*) FROM audit_log WHERE entity = 'visit'", &[])
        .await;
    assert_eq!(n, 3);
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'green_item'",
            &[],
        )
        .await;
    assert_eq!(n, 3);
}

/// A → next P: a week later the measures are carried into the new draft.
async fn step_measures_carried_over(t: &TestApp, c: &Client, rep: &str) {
    let _s = step("sheets: A → next P — the measures are carried over");
    t.at(2026, 11, 23);
    let (s, v2) = t
        .get_json(c, &format!("/api/v1/sheets/{rep}/2026-W48"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let carried: Vec<&str> = v2["carried_over"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        carried.contains(&"改进措施：周二前完成断货客户补货"),
        "{carried:?}"
    );
    assert!(carried.contains(&"上周问题：两户断货"));
    assert!(
        v2["proposed_priorities"][0]
            .as_str()
            .unwrap()
            .starts_with("落实上周遗留")
    );
    assert!(v2["carried_over"].as_array().unwrap().len() == 2);
}

// Another rep's sheet and another area's market manager are refused; bad weeks are named; the
// visit plan takes only the rep's own retailers.
both_backends!(sheet_access_refusals, async |t: TestApp| {
    let reps = t.users_of_role("account_manager").await;
    let (rep, other) = (reps[0].clone(), reps[1].clone());
    let foreign = t.first_retailer_of(&other).await;
    let c = t.login(&rep).await;
    let oc = t.login(&other).await;
    let (s, _) = t
        .get_json(&oc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = t
        .get_json(&c, &format!("/api/v1/sheets/{rep}/2026-W60"))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "周");
    // A market manager of another area cannot read the sheet.
    let mm = t.manager_of(&rep).await;
    let others: Vec<String> = t
        .users_of_role("market_manager")
        .await
        .into_iter()
        .filter(|m| *m != mm)
        .collect();
    if let Some(o) = others.first() {
        let (s, _) = t
            .get_json(&t.login(o).await, &format!("/api/v1/sheets/{rep}/2026-W47"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    // The visit plan takes only the rep's own retailers.
    let (_, v) = t
        .get_json(&c, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    let mut body = v.clone();
    body["visit_plan"][0]["visits"] = json!([{"customer_code": foreign, "service_focus": ""}]);
    let (s, e) = t
        .put_json(&c, &format!("/api/v1/sheets/{rep}/2026-W47"), &body)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["detail"].as_str().unwrap().contains("不属于您的辖区"),
        "{e}"
    );
});

// The sheet page shows every block; a sixth tick is refused on the form, five are saved.
both_backends!(sheet_page_form, async |t: TestApp| {
    let (rep, f) = t.login_form_as(Role::AccountManager).await;
    let sheet = format!("/sheets/{rep}/2026-W47");
    let (s, page) = t.get_html(&f, &sheet).await;
    assert_eq!(s, StatusCode::OK);
    for title in [
        "营销目标",
        "工作任务",
        "执行跟踪",
        "改进措施",
        "沟通绿色通道",
        "信息系统链接区",
        "本周最优先关注的重点任务",
        "具体做法",
    ] {
        assert!(page.contains(title), "sheet page shows {title}");
    }
    let csrf = hidden(&page, "csrf");
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("top_priority".into(), "回访".into()),
    ];
    for i in 0..6 {
        form.push((format!("tick_cat_{i}"), "MARKET_ANALYSIS".into()));
        form.push((format!("tick_item_{i}"), "品牌动销".into()));
        form.push((format!("tick_method_{i}"), "查台帐".into()));
    }
    let r = t.post_form_raw(&f, &sheet, &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不超过 5 项"));
    form.truncate(2 + 5 * 3);
    let r = t.post_form_raw(&f, &sheet, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = t
        .get_json(&f, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(v["checklist"].as_array().unwrap().len(), 5);
    assert_eq!(v["top_priority"], "回访");
});

// Green-channel items to retailers (§8.2 B5) recorded, answered and closed on the sheet page.
both_backends!(
    green_items_to_retailers_on_the_sheet_page,
    async |t: TestApp| {
        let reps = t.users_of_role("account_manager").await;
        let rep = reps[0].clone();
        let own = t.first_retailer_of(&rep).await;
        let foreign = t.first_retailer_of(&reps[1]).await;
        let f = t.login_form(&rep).await;
        let sheet = format!("/sheets/{rep}/2026-W47");
        let (s, page) = t.get_html(&f, &sheet).await;
        assert_eq!(s, StatusCode::OK);
        let csrf = hidden(&page, "csrf");
        let green = format!("{sheet}/green");
        let send = async |code: &str, content: &str| {
            t.post_form_raw(
                &f,
                &green,
                &[
                    ("csrf", csrf.as_str()),
                    ("counterpart", "RETAILER"),
                    ("kind", "NOTICE"),
                    ("channel", "IN_PERSON"),
                    ("retailer_code", code),
                    ("content", content),
                ],
            )
            .await
        };
        // Refusals are shown on the page: no code, another rep's retailer.
        let r = send("", "下周调整订货日").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("请填写零售客户编码"));
        let r = send(&foreign, "下周调整订货日").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Recorded, then answered and closed from the sheet page.
        let r = send(&own, "下周调整订货日").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (s, page) = t.get_html(&f, &sheet).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            page.contains("下周调整订货日") && page.contains("记录答复"),
            "item with its handling forms"
        );
        let (_, v) = t
            .get_json(&f, &format!("/api/v1/sheets/{rep}/2026-W47"))
            .await;
        let g = v["green_channel"][0].clone();
        assert_eq!(g["counterpart"], "RETAILER");
        assert_eq!(g["retailer_code"], own.as_str());
        assert!(g["recipient_id"].is_null());
        let id = g["id"].as_i64().unwrap();
        let back = format!("{sheet}#b5");
        let r = t
            .post_form_raw(
                &f,
                &format!("/inbox/{id}"),
                &[
                    ("csrf", csrf.as_str()),
                    ("status", "ANSWERED"),
                    ("answer", "店主已知悉"),
                    ("back", back.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], back.as_str());
        let r = t
            .post_form_raw(
                &f,
                &format!("/inbox/{id}"),
                &[
                    ("csrf", csrf.as_str()),
                    ("status", "CLOSED"),
                    ("back", back.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, v) = t
            .get_json(&f, &format!("/api/v1/sheets/{rep}/2026-W47"))
            .await;
        let g = &v["green_channel"][0];
        assert_eq!(g["status"], "CLOSED");
        assert_eq!(g["answer"], "店主已知悉");
        assert!(
            !g["answered_at"].is_null() && !g["closed_at"].is_null() && !g["received_at"].is_null()
        );
        let (_, page) = t.get_html(&f, &sheet).await;
        assert!(
            page.contains("已关闭") && !page.contains("记录答复"),
            "closed items offer no more handling"
        );
        // Another rep cannot handle it.
        let o = t.login_form(&reps[1]).await;
        let r = t
            .submit_form(
                &o,
                "/inbox",
                &format!("/inbox/{id}"),
                &[("status", "CLOSED")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
);

/// Chromium prints a generated sheet of the demo city on ONE A4 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn print_view_fits_one_a4_page() {
    if !std::path::Path::new("/usr/bin/chromium").exists() && std::env::var_os("CI").is_none() {
        eprintln!("/usr/bin/chromium not installed: A4 print test skipped");
        return;
    }
    let t = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    // Fill the sheet as a rep would: five ticks, tracking, measures, a green-channel item.
    let path = format!("/api/v1/sheets/{rep}/2026-W47");
    let (_, mut body) = t.get_json(&c, &path).await;
    body["checklist"] = json!((0..5).map(tick).collect::<Vec<_>>());
    body["tracking"] = json!((1..=5).map(|d| json!({"day": d, "main_indicators": "拜访 28 户，订单 26 户", "adhoc": "配合专卖检查", "problem": "两户断货", "improvement": "次日补货"})).collect::<Vec<_>>());
    body["improvement"] = json!({"summary": "完成五条线路拜访", "problems": "重点品牌断货两户", "measures": "周二前补货；周三回访"});
    let (s, _) = t.put_json(&c, &path, &body).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = t.post_json(&c, &format!("{path}/green"), &json!({"counterpart": "MONOPOLY_OFFICER", "kind": "ANOMALY", "content": "疑似非法渠道卷烟", "channel": "PHONE"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, html) = t
        .get_html(&c, &format!("/sheets/{rep}/2026-W47/print"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("客户经理一张纸") && html.contains("沟通绿色通道"));
    let pages = pdf_pages(&t, &html, "sheet").await.expect("chromium");
    assert_eq!(pages, 1, "the one-sheet prints on one A4 page");
}
