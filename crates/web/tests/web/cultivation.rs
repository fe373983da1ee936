//! Brand cultivation (`/cultivation`, `/api/v1/cultivation-tasks`, domain.md §9.2): brand
//! managers' tasks landing on the reps' one-sheet drafts, who may create them, the page's form,
//! and the brand manager's own time in market (§2.3).
use crate::harness::*;

/// A brand that is not the manager's.
async fn foreign_brand(t: &TestApp, bm: &str) -> String {
    let s = t.staff(bm).await;
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

const TASKS: &str = "/api/v1/cultivation-tasks";

both_backends!(cultivation_task_lands_on_rep_draft, async |t: TestApp| {
    let (bm, brand) = t.brand_manager().await;
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&bm).await;
    let rc = t.login(&rep).await;
    let task = step_task_lands_on_draft(&t, &c, &rc, &bm, &rep, &brand).await;
    step_who_may_create(&t, &c, &rc, &bm, &brand).await;
    step_page_create_and_close(&t, &c, &rc, &bm, &rep, &brand, &task).await;
});

/// A task created through the API lands on the rep's draft for its weeks, with its source;
/// nothing is ticked for the rep; not in a week outside the task's weeks.
async fn step_task_lands_on_draft(
    t: &TestApp, c: &Client, rc: &Client, bm: &str, rep: &str, brand: &str,
) -> Value {
    let _s = step("cultivation: a task lands on the rep's draft");
    let (s, task) = t
        .post_json(
            c,
            TASKS,
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

    let (s, v) = t
        .get_json(rc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let bm_name = t.staff(bm).await.name;
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
        hit.contains(&format!("品牌经理 {bm_name}")) && hit.contains(brand),
        "{hit}"
    );
    assert!(hit.contains("10 档及以上"), "{hit}");
    assert!(
        v["checklist"].as_array().unwrap().is_empty(),
        "proposals are not ticks"
    );
    let (_, v) = t
        .get_json(rc, &format!("/api/v1/sheets/{rep}/2026-W49"))
        .await;
    assert!(
        !v["proposed_priorities"]
            .to_string()
            .contains("新品陈列上柜")
    );
    task
}

/// A rep cannot create tasks; a brand manager only for the assigned brands; bad weeks and a
/// missing org unit are named.
async fn step_who_may_create(t: &TestApp, c: &Client, rc: &Client, bm: &str, brand: &str) {
    let _s = step("cultivation: who may create a task, and bad input");
    let (s, _) = t
        .post_json(
            rc,
            TASKS,
            &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W47"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = foreign_brand(t, bm).await;
    let (s, e) = t
        .post_json(
            c,
            TASKS,
            &json!({"brand": other, "title": "x", "method": "y", "from_week": "2026-W47"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["detail"].as_str().unwrap().contains("不是您负责的品牌"),
        "{e}"
    );
    let (s, e) = t
        .post_json(
            c,
            TASKS,
            &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W60"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["field"], "from_week");
    let (s, e) = t.post_json(c, TASKS, &json!({"brand": brand, "title": "x", "method": "y", "from_week": "2026-W47", "scope": "AREA"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "org_unit_code");
}

/// The list, the page with its menu item and form, a task created and closed through the page;
/// the draft follows; closing twice is refused; every write traced.
async fn step_page_create_and_close(
    t: &TestApp, c: &Client, rc: &Client, bm: &str, rep: &str, brand: &str, task: &Value,
) {
    let _s = step("cultivation: the page creates and closes tasks");
    let (s, l) = t.get_json(c, TASKS).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l.as_array().unwrap().len(), 1);
    let f = t.login_form(bm).await;
    let (s, page) = t.get_html(&f, "/cultivation").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("品牌培育") && page.contains("新品陈列上柜") && page.contains("具体做法")
    );
    let csrf = hidden(&page, "csrf");
    let (s, _) = t
        .post_form(
            &f,
            "/cultivation",
            &[
                ("csrf", csrf.as_str()),
                ("brand", brand),
                ("title", "终端宣传"),
                ("method", "张贴宣传页"),
                ("category", "TERMINAL_BUILDING"),
                ("scope", "COMPANY"),
                ("from_week", "2026-W47"),
                ("to_week", ""),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, body) = t
        .post_form(
            &f,
            "/cultivation",
            &[
                ("csrf", csrf.as_str()),
                ("brand", brand),
                ("title", "t"),
                ("method", "m"),
                ("from_week", "2026-W60"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("from_week"));
    let id = task["id"].as_i64().unwrap();
    let (s, _) = t
        .post_form(
            &f,
            &format!("/cultivation/{id}/close"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = t
        .get_json(rc, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    let p = v["proposed_priorities"].to_string();
    assert!(!p.contains("新品陈列上柜") && p.contains("终端宣传"), "{p}");
    let (s, _) = t
        .post_json(c, &format!("{TASKS}/{id}/close"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let n = t
        .scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'cultivation_task'",
            &[],
        )
        .await;
    assert_eq!(n, 3, "create, create, close");
    let (_, doc) = t.get_json(c, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/cultivation-tasks"]["post"].is_object());
}

// The brand manager sees their own share of time in market on their page.
both_backends!(brand_manager_time_in_market, async |t: TestApp| {
    let (bm, _) = t.brand_manager().await;
    let (s, page) = t.get_html(&t.login_form(&bm).await, "/cultivation").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("我的在市场时间") && page.contains("占比 0.0%") && page.contains("1/3"),
        "brand manager share shown"
    );
});
