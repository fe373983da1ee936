//! Issue 6 gaps: brand managers' cultivation tasks landing on the reps' one-sheet drafts
//! (domain.md §9.2, design.md §1), managers' time in market on their pages (§2.3), and
//! green-channel items to retailers recorded and closed on the sheet page (§8.2 B5).
mod common;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(t: &TestApp, c: &reqwest::Client, path: &str, body: &Value) -> (StatusCode, Value) {
    json_of(c.post(t.url(path)).json(body).send().await.unwrap()).await
}

/// A brand manager with at least one assigned brand, and that brand.
async fn brand_manager(t: &TestApp) -> (String, String) {
    for u in t.users_of_role("brand_manager").await {
        let s = store::repo::staff::by_username(t.db(), &u)
            .await
            .unwrap()
            .unwrap();
        let brands = store::repo::product::brands_of_manager(t.db(), s.id)
            .await
            .unwrap();
        if let Some(b) = brands.first() {
            return (u, b.clone());
        }
    }
    panic!("no brand manager with a brand");
}

/// A brand that is not the manager's.
async fn foreign_brand(t: &TestApp, bm: &str) -> String {
    let s = store::repo::staff::by_username(t.db(), bm)
        .await
        .unwrap()
        .unwrap();
    let mine = store::repo::product::brands_of_manager(t.db(), s.id)
        .await
        .unwrap();
    store::repo::cultivation::all_brands(t.db())
        .await
        .unwrap()
        .into_iter()
        .find(|b| !mine.contains(b))
        .expect("a brand of someone else")
}

both_backends!(cultivation_task_lands_on_rep_draft, async |t: TestApp| {
    let (bm, brand) = brand_manager(&t).await;
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&bm).await;

    let (s, task) = post(
        &t,
        &c,
        "/api/v1/cultivation-tasks",
        &json!({
            "brand": brand, "title": "新品陈列上柜", "method": "逐户摆放样品并讲解卖点",
            "min_tier": 10, "from_week": "2026-W47", "to_week": "2026-W48"
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{task}");
    assert_eq!(task["category"], "INDUSTRY_COLLAB_INFO", "default category");
    assert_eq!(task["scope"], "COMPANY");
    assert_eq!(task["status"], "OPEN");

    // The rep's draft for that week proposes it with its source; nothing is ticked for the rep.
    let rc = t.login(&rep).await;
    let (s, v) = t
        .get_json(&rc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let bm_name = store::repo::staff::by_username(t.db(), &bm)
        .await
        .unwrap()
        .unwrap()
        .name;
    let proposed: Vec<&str> = v["proposed_priorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    let hit = proposed
        .iter()
        .find(|p| p.contains("新品陈列上柜"))
        .unwrap_or_else(|| panic!("{proposed:?}"));
    assert!(
        hit.contains(&format!("品牌经理 {bm_name}")) && hit.contains(&brand),
        "{hit}"
    );
    assert!(hit.contains("10 档及以上"), "{hit}");
    assert!(
        v["checklist"].as_array().unwrap().is_empty(),
        "proposals are not ticks"
    );
    // Not in a week outside the task's weeks.
    let (_, v) = t
        .get_json(&rc, &format!("/api/v1/sheets/{rep}/2026-W49"))
        .await;
    assert!(
        !v["proposed_priorities"]
            .to_string()
            .contains("新品陈列上柜")
    );

    // A rep cannot create tasks; a brand manager only for the assigned brands; bad weeks named.
    let (s, _) = post(
        &t,
        &rc,
        "/api/v1/cultivation-tasks",
        &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W47"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = foreign_brand(&t, &bm).await;
    let (s, e) = post(
        &t,
        &c,
        "/api/v1/cultivation-tasks",
        &json!({"brand": other, "title": "x", "method": "y", "from_week": "2026-W47"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["detail"].as_str().unwrap().contains("不是您负责的品牌"),
        "{e}"
    );
    let (s, e) = post(
        &t,
        &c,
        "/api/v1/cultivation-tasks",
        &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W60"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["field"], "from_week");
    let (s, e) = post(&t, &c, "/api/v1/cultivation-tasks", &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W47", "scope": "AREA"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "org_unit_code");

    // The list, the page with its menu item and form, a task created and closed through the page.
    let (s, l) = t.get_json(&c, "/api/v1/cultivation-tasks").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l.as_array().unwrap().len(), 1);
    let f = t.login_form(&bm).await;
    let (s, page) = t.get_html(&f, "/cultivation").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("品牌培育") && page.contains("新品陈列上柜") && page.contains("具体做法")
    );
    let csrf = hidden(&page, "csrf");
    let r = f
        .post(t.url("/cultivation"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("brand", brand.as_str()),
            ("title", "终端宣传"),
            ("method", "张贴宣传页"),
            ("category", "TERMINAL_BUILDING"),
            ("scope", "COMPANY"),
            ("from_week", "2026-W47"),
            ("to_week", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = f
        .post(t.url("/cultivation"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("brand", brand.as_str()),
            ("title", "t"),
            ("method", "m"),
            ("from_week", "2026-W60"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("from_week"));
    let id = task["id"].as_i64().unwrap();
    let r = f
        .post(t.url(&format!("/cultivation/{id}/close")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = t
        .get_json(&rc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    let p = v["proposed_priorities"].to_string();
    assert!(!p.contains("新品陈列上柜") && p.contains("终端宣传"), "{p}");
    let (s, _) = post(
        &t,
        &c,
        &format!("/api/v1/cultivation-tasks/{id}/close"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'cultivation_task'",
            &[],
        )
        .await;
    assert_eq!(n, 3, "create, create, close");
    let (_, doc) = t.get_json(&c, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/cultivation-tasks"]["post"].is_object());
});

both_backends!(managers_time_in_market_on_pages, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let rs = store::repo::staff::by_username(t.db(), &rep)
        .await
        .unwrap()
        .unwrap();
    let mm = store::repo::staff::by_id(t.db(), rs.supervisor_id.expect("supervisor"))
        .await
        .unwrap()
        .unwrap();
    let code: String = store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>("SELECT customer_code FROM retailer WHERE account_manager_id = $1 ORDER BY customer_code LIMIT 1").bind(rs.id).fetch_one(p).await.unwrap());
    // Monday 09:00–09:40 China time; the clock stands at 10:00.
    let c = t.login(&rep).await;
    let (s, v) = post(&t, &c, "/api/v1/visits", &json!({"retailer_code": code, "started_at": "2026-11-16T01:00:00Z", "ended_at": "2026-11-16T01:40:00Z"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // The market manager's roll-up: a line for the manager and one per rep, against the minimum.
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

    // The brand manager sees their own share on their page.
    let (bm, _) = brand_manager(&t).await;
    let (s, page) = t.get_html(&t.login_form(&bm).await, "/cultivation").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("我的在市场时间") && page.contains("占比 0.0%") && page.contains("1/3"),
        "brand manager share shown"
    );
});

both_backends!(
    green_items_to_retailers_on_the_sheet_page,
    async |t: TestApp| {
        let reps = t.users_of_role("account_manager").await;
        let rep = reps[0].clone();
        let code_of = async |u: &str| -> String {
            let id = store::repo::staff::by_username(t.db(), u)
                .await
                .unwrap()
                .unwrap()
                .id;
            store::on_db!(t.db(), p => sqlx::query_scalar::<_, String>("SELECT customer_code FROM retailer WHERE account_manager_id = $1 ORDER BY customer_code LIMIT 1").bind(id).fetch_one(p).await.unwrap())
        };
        let own = code_of(&rep).await;
        let foreign = code_of(&reps[1]).await;
        let f = t.login_form(&rep).await;
        let sheet = format!("/sheets/{rep}/2026-W47");
        let (s, page) = t.get_html(&f, &sheet).await;
        assert_eq!(s, StatusCode::OK);
        let csrf = hidden(&page, "csrf");
        let send = async |code: &str, content: &str| {
            f.post(t.url(&format!("{sheet}/green")))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("counterpart", "RETAILER"),
                    ("kind", "NOTICE"),
                    ("channel", "IN_PERSON"),
                    ("retailer_code", code),
                    ("content", content),
                ])
                .send()
                .await
                .unwrap()
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
        let r = f
            .post(t.url(&format!("/inbox/{id}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("status", "ANSWERED"),
                ("answer", "店主已知悉"),
                ("back", back.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], back.as_str());
        let r = f
            .post(t.url(&format!("/inbox/{id}")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("status", "CLOSED"),
                ("back", back.as_str()),
            ])
            .send()
            .await
            .unwrap();
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
        let (_, op) = t.get_html(&o, "/inbox").await;
        let ocsrf = hidden(&op, "csrf");
        let r = o
            .post(t.url(&format!("/inbox/{id}")))
            .form(&[("csrf", ocsrf.as_str()), ("status", "CLOSED")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
);
