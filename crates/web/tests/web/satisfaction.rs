//! Customer satisfaction (`/satisfaction`, `/pos/satisfaction`, domain.md §6 客户满意度): a wave
//! sampling each rep's retailers, answers through the retailer's POS credential (API and page)
//! and on paper, one answer per retailer, the weighted scores checked against SQL, anonymity
//! (no retailer kept with an answer, small groups not shown) and the refusals.
use crate::harness::*;

/// The answer sheet of the default questionnaire with every sub-item at `level`, the rep's
/// item (客户经理, the fourth) at `rep_level`.
fn sheet(q: &Value, level: usize, rep_level: usize) -> Value {
    let items = q["items"].as_array().unwrap();
    Value::Array(
        items
            .iter()
            .map(|it| {
                let l = if it["code"] == "ACCOUNT_MANAGER" {
                    rep_level
                } else {
                    level
                };
                Value::Array(
                    it["sub_items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|_| json!(l))
                        .collect(),
                )
            })
            .collect(),
    )
}

async fn pos_post(t: &TestApp, code: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let r = t
        .client()
        .post(t.url("/api/v1/pos/satisfaction"))
        .header("X-Retailer", code)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    json_of(r).await
}

both_backends!(satisfaction_wave, async |t: TestApp| {
    let (_, center) = t.login_as(Role::MarketingCenter).await;
    let (_, rep0) = t.login_as(Role::AccountManager).await;
    let (s, _) = t
        .post_json(
            &rep0,
            "/api/v1/satisfaction-waves",
            &json!({"closes_on": "2026-11-26"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (body, field) in [
        (json!({"closes_on": "2026-11-01"}), "closes_on"),
        (json!({"closes_on": "26/11/2026"}), "closes_on"),
        (
            json!({"closes_on": "2026-11-26", "sample_pct": 5}),
            "sample_pct",
        ),
        (
            json!({"closes_on": "2026-11-26", "month": "2026-13"}),
            "month",
        ),
    ] {
        let (s, e) = t
            .post_json(&center, "/api/v1/satisfaction-waves", &body)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {e}");
        assert!(e.to_string().contains(field), "{body}: {e}");
    }

    // The wave: ⌈10 % × n⌉ of each rep's open retailers.
    let (s, w) = t
        .post_json(
            &center,
            "/api/v1/satisfaction-waves",
            &json!({"closes_on": "2026-11-26"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let wave = w["id"].as_i64().unwrap();
    let want = t
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM((n + 9) / 10), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM retailer \
             WHERE business_status <> 'CLOSED' AND account_manager_id IS NOT NULL GROUP BY account_manager_id) x",
            &[],
        )
        .await;
    assert_eq!(w["invited"].as_i64(), Some(want));
    let (_, page) = t
        .get_json(&center, &format!("/api/v1/satisfaction?wave={wave}"))
        .await;
    let q = page["questionnaire"].clone();
    assert_eq!(q["items"].as_array().unwrap().len(), 7);

    // Three invited retailers of one rep, each with a POS credential from that rep.
    let rows: Vec<(String, String)> = store::on_db!(t.db(), p => sqlx::query_as(
        "SELECT r.customer_code, s.username FROM satisfaction_invite i JOIN retailer r ON r.id = i.retailer_id \
         JOIN staff s ON s.id = r.account_manager_id WHERE i.wave_id = $1 AND r.account_manager_id = \
         (SELECT rep_id FROM satisfaction_invite WHERE wave_id = $1 GROUP BY rep_id HAVING COUNT(*) >= 3 ORDER BY rep_id LIMIT 1) \
         ORDER BY r.customer_code LIMIT 3")
        .bind(wave).fetch_all(p).await.expect("invited"));
    assert_eq!(rows.len(), 3, "a rep with three invited retailers");
    let rep = t.login(&rows[0].1).await;
    let mut tokens = Vec::new();
    for (code, _) in &rows {
        let (s, v) = t
            .post_empty_json(&rep, &format!("/api/v1/retailers/{code}/pos-token"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        tokens.push(v["token"].as_str().unwrap().to_string());
    }

    // 1: through the API — 非常满意 except 不满意 on the rep: (84 × 100 + 16 × 40) ÷ 100 = 90.4.
    let (s, e) = pos_post(&t, &rows[0].0, &tokens[0], &json!({"answers": [[0]]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("answers"), "{e}");
    let (s, _) = pos_post(
        &t,
        &rows[0].0,
        "wrong-token",
        &json!({"answers": sheet(&q, 0, 3)}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = pos_post(
        &t,
        &rows[0].0,
        &tokens[0],
        &json!({"answers": sheet(&q, 0, 3)}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!((v["score"].as_f64().unwrap() - 90.4).abs() < 1e-9, "{v}");
    let (s, _) = pos_post(
        &t,
        &rows[0].0,
        &tokens[0],
        &json!({"answers": sheet(&q, 0, 0)}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "one answer per wave");

    // 2: on the retailer's page.
    let shop = t.client();
    let (s, html) = t.get_html(&shop, "/pos/satisfaction").await;
    assert_eq!(s, StatusCode::OK);
    let csrf = hidden(&html, "csrf");
    let r = t
        .post_form_raw(
            &shop,
            "/pos/satisfaction",
            &[
                ("csrf", csrf.as_str()),
                ("code", rows[1].0.as_str()),
                ("token", tokens[1].as_str()),
            ],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("客户经理") && html.contains("a_0_0"),
        "the questionnaire"
    );
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("code".into(), rows[1].0.clone()),
        ("token".into(), tokens[1].clone()),
        ("submit".into(), "1".into()),
    ];
    for (k, it) in q["items"].as_array().unwrap().iter().enumerate() {
        for j in 0..it["sub_items"].as_array().unwrap().len() {
            form.push((format!("a_{k}_{j}"), "1".into()));
        }
    }
    let r = t.post_form_raw(&shop, "/pos/satisfaction", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("感谢您的评价"));

    // 3: on paper by the panel (满意 everywhere: 85); not invited → 400; twice → 409.
    let outsider = t
        .scalar_text(
            "SELECT customer_code FROM retailer WHERE id NOT IN (SELECT retailer_id FROM satisfaction_invite WHERE wave_id = $1) ORDER BY id LIMIT 1",
            wave,
        )
        .await;
    let url = format!("/api/v1/satisfaction-waves/{wave}/answers");
    let (s, e) = t
        .post_json(
            &center,
            &url,
            &json!({"customer_code": outsider, "answers": sheet(&q, 1, 1)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("customer_code"));
    let (s, v) = t
        .post_json(
            &center,
            &url,
            &json!({"customer_code": rows[2].0, "answers": sheet(&q, 2, 2)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["score"].as_f64(), Some(70.0));
    let (s, _) = t
        .post_json(
            &center,
            &url,
            &json!({"customer_code": rows[2].0, "answers": sheet(&q, 0, 0)}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The scores equal SQL over the stored answers; no answer names its retailer.
    let (s, page) = t
        .get_json(&center, &format!("/api/v1/satisfaction?wave={wave}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let total = page["scope"]["total"].as_f64().unwrap();
    assert!((total - (90.4 + 85.0 + 70.0) / 3.0).abs() < 1e-9, "{total}");
    assert_eq!(page["scope"]["answered"].as_i64(), Some(3));
    assert_eq!(page["scope"]["met"].as_bool(), Some(false));
    let rep_item = page["scope"]["items"][3].as_f64().unwrap();
    assert!((rep_item - (40.0 + 85.0 + 70.0) / 3.0).abs() < 1e-9);
    assert_eq!(page["lowest"][0][0], "客户经理");
    let cols: i64 = t
        .scalar_i64(
            "SELECT COUNT(*) FROM satisfaction_answer WHERE wave_id = $1",
            &[wave],
        )
        .await;
    assert_eq!(cols, 3);
    assert_eq!(t.audit_count("satisfaction.answer").await, 3);
    // a county with one answering rep shows its score (3 answers); the others lack answers
    let shown: Vec<&Value> = page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| !g["total"].is_null())
        .collect();
    assert_eq!(shown.len(), 1);

    // The rep sees the aggregate of their three answers; another rep sees no score.
    let (_, mine) = t
        .get_json(&rep, &format!("/api/v1/satisfaction?wave={wave}"))
        .await;
    assert!((mine["scope"]["total"].as_f64().unwrap() - total).abs() < 1e-9);
    let other = t
        .scalar_text(
            "SELECT username FROM staff WHERE role = 'account_manager' AND id <> (SELECT id FROM staff WHERE username = \
             (SELECT s.username FROM staff s WHERE s.id = $1)) ORDER BY id LIMIT 1",
            t.staff_id(&rows[0].1).await,
        )
        .await;
    let oc = t.login(&other).await;
    let (_, theirs) = t
        .get_json(&oc, &format!("/api/v1/satisfaction?wave={wave}"))
        .await;
    assert!(theirs["scope"]["total"].is_null(), "{theirs}");

    // The page, in the menu.
    let (s, html) = t
        .get_html(&center, &format!("/satisfaction?wave={wave}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "客户满意度",
        "货款结算",
        "录入纸质答卷",
        "href=\"/satisfaction\"",
    ] {
        assert!(html.contains(text), "{text}");
    }
});
