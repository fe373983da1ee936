//! Concurrency that loses nothing: optimistic versions on the one-sheet (`ETag`/`If-Match`, the
//! page form's `version`), and state checks inside the transaction that writes, so writes that
//! race a submission or a publication get 409, never 500 and never a record in the wrong state.
use crate::cycle::TARGET;
use crate::forecasts::model_then_rep;
use crate::harness::*;

// Two devices editing one sheet: the second save names the version it was showing and is
// refused (409) instead of overwriting the first; without If-Match the API keeps last-write-wins.
both_backends!(sheet_versions_refuse_a_stale_save, async |t: TestApp| {
    let rep = t.user_of_role("account_manager").await;
    let c = t.login(&rep).await;
    let path = format!("/api/v1/sheets/{rep}/2026-W47");
    let r = t.get(&c, &path).await;
    assert_eq!(header_of(&r, "etag"), "\"0\"", "a draft never saved");
    let (_, draft) = json_of(r).await;
    assert_eq!(draft["version"], 0);
    let put = |body: Value, tag: &'static str| {
        let mut req = c.put(t.url(&path)).json(&body);
        if !tag.is_empty() {
            req = req.header("if-match", tag);
        }
        req.send()
    };
    let mut a = draft.clone();
    a["top_priority"] = json!("甲设备");
    let r = put(a, "\"0\"").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header_of(&r, "etag"), "\"1\"");
    // The second device still shows version 0.
    let mut b = draft.clone();
    b["top_priority"] = json!("乙设备");
    let (s, p) = json_of(put(b.clone(), "\"0\"").await.unwrap()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("第 1 版"), "{p}");
    let (_, now) = t.get_json(&c, &path).await;
    assert_eq!(now["top_priority"], "甲设备");
    // A malformed If-Match is refused, not ignored.
    let (s, _) = json_of(put(b.clone(), "latest").await.unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Without If-Match: the write goes through (scripts that own the sheet).
    let r = put(b, "").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header_of(&r, "etag"), "\"2\"");

    // Ten saves racing from version 2: exactly one wins, the others get 409, none 500.
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (c, url) = (c.clone(), t.url(&path));
        let mut body = draft.clone();
        body["top_priority"] = json!(format!("并发 {i}"));
        tasks.push(tokio::spawn(async move {
            c.put(url)
                .header("if-match", "\"2\"")
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => won += 1,
            StatusCode::CONFLICT => {}
            s => panic!("racing save answered {s}"),
        }
    }
    assert_eq!(won, 1);
    let (_, now) = t.get_json(&c, &path).await;
    assert_eq!(now["version"], 3);
});

// The page form carries the version it shows: a save from a page opened before another save is
// refused on the page with what happened, and the other save stands.
both_backends!(sheet_page_refuses_a_stale_form, async |t: TestApp| {
    let (rep, f) = t.login_form_as(Role::AccountManager).await;
    let sheet = format!("/sheets/{rep}/2026-W47");
    let (_, first) = t.get_html(&f, &sheet).await;
    let (_, second) = t.get_html(&f, &sheet).await;
    assert_eq!(hidden(&first, "version"), "0");
    let save = |page: &str, top: &str| {
        vec![
            ("csrf".to_string(), hidden(page, "csrf")),
            ("version".to_string(), hidden(page, "version")),
            ("top_priority".to_string(), top.to_string()),
        ]
    };
    let r = t.post_form_raw(&f, &sheet, &save(&first, "第一页")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.post_form_raw(&f, &sheet, &save(&second, "第二页")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("已在别处保存"), "{page}");
    let (_, v) = t
        .get_json(&f, &format!("/api/v1/sheets/{rep}/2026-W47"))
        .await;
    assert_eq!(v["top_priority"], "第一页");
});

// Forecast entries racing the rep's submission: each answers 200 or 409, and once the month is
// submitted no record of the rep is left DRAFT (a write from a stale read used to reopen one).
both_backends!(
    forecast_puts_racing_the_submission,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let mut tasks = Vec::new();
        for (i, f) in list.iter().take(12).enumerate() {
            let url = t.url(&format!(
                "/api/v1/forecasts/{TARGET}/{}/{}",
                f["customer_code"].as_str().unwrap(),
                f["sku_code"].as_str().unwrap()
            ));
            let c = rc.clone();
            tasks.push(tokio::spawn(async move {
                c.put(url)
                    .json(&json!({"quantity": 10 + i, "method": "INTERACTIVE_VISIT"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
            if i == 5 {
                let (c, url) = (
                    rc.clone(),
                    t.url(&format!("/api/v1/forecasts/{TARGET}/submit")),
                );
                tasks.push(tokio::spawn(async move {
                    c.post(url)
                        .header("content-type", "application/json")
                        .send()
                        .await
                        .unwrap()
                        .status()
                }));
            }
        }
        for task in tasks {
            let s = task.await.unwrap();
            assert!(
                s == StatusCode::OK || s == StatusCode::CONFLICT,
                "racing write answered {s}"
            );
        }
        let rep = t.users_of_role("account_manager").await.remove(0);
        let rep_id = t.staff_id(&rep).await;
        let drafts = t
            .scalar_i64(
                "SELECT COUNT(*) FROM forecast f JOIN retailer r ON r.id = f.retailer_id \
                 WHERE f.month = '2026-10' AND r.account_manager_id = $1 AND f.state = 'DRAFT'",
                &[rep_id],
            )
            .await;
        assert_eq!(drafts, 0, "a DRAFT record in a submitted month");
    }
);

// Supply entries and balancing runs racing a publication: each answers 200 or 409, and the
// published month stays published with every balanced record PUBLISHED.
both_backends!(
    balancing_racing_the_publication,
    Start::CityWithModel,
    async |t: TestApp| {
        let (rc, list) = model_then_rep(&t).await;
        let (s, _) = t
            .post_empty_json(&rc, &format!("/api/v1/forecasts/{TARGET}/submit"))
            .await;
        assert_eq!(s, StatusCode::OK);
        t.at(2026, 9, 17);
        let center = t.login(&t.user_of_role("marketing_center").await).await;
        let sku = list[0]["sku_code"].as_str().unwrap().to_string();
        let (s, p) = t
            .put_json(
                &center,
                &format!("/api/v1/supply/{TARGET}"),
                &json!({"lines": [{"sku": sku, "quantity": 5}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, p) = t
            .post_empty_json(&center, &format!("/api/v1/balance/{TARGET}/run"))
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let mut tasks = Vec::new();
        for i in 0..6 {
            let c = center.clone();
            let (path, body) = match i % 3 {
                0 => (format!("/api/v1/balance/{TARGET}/publish"), None),
                1 => (format!("/api/v1/balance/{TARGET}/run"), None),
                _ => (
                    format!("/api/v1/supply/{TARGET}"),
                    Some(json!({"lines": [{"sku": sku, "quantity": 6 + i}]})),
                ),
            };
            let url = t.url(&path);
            tasks.push(tokio::spawn(async move {
                let req = match body {
                    Some(b) => c.put(url).json(&b),
                    None => c.post(url).header("content-type", "application/json"),
                };
                req.send().await.unwrap().status()
            }));
        }
        for task in tasks {
            let s = task.await.unwrap();
            assert!(
                s == StatusCode::OK || s == StatusCode::CONFLICT,
                "racing write answered {s}"
            );
        }
        // Publish once more (a no-op if one of the racers did), then check the month.
        let (s, _) = t
            .post_empty_json(&center, &format!("/api/v1/balance/{TARGET}/publish"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let state = t
            .scalar_text(
                "SELECT state FROM balance_run WHERE month = '2026-10' AND $1 = $1",
                0,
            )
            .await;
        assert_eq!(state, "PUBLISHED");
        let left = t
            .scalar_i64(
                "SELECT COUNT(*) FROM forecast f JOIN balance_line b ON b.month = f.month \
                 AND b.retailer_id = f.retailer_id AND b.product_id = f.product_id \
                 WHERE f.month = '2026-10' AND f.state <> 'PUBLISHED'",
                &[],
            )
            .await;
        assert_eq!(left, 0, "balanced records not published");
        let (s, p) = t
            .put_json(
                &center,
                &format!("/api/v1/supply/{TARGET}"),
                &json!({"lines": [{"sku": sku, "quantity": 1}]}),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{p}");
    }
);

fn header_of(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}
