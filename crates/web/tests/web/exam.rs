//! 应知应会 monthly tests (`/tests`, `/api/v1/tests…`, `/api/v1/test-questions…`, issue 14 ③):
//! the bank with its refusals, a paper drawn over the categories, a rep's one timed attempt
//! scored against SQL, the late submission, the results per person and per question, the
//! access rules and the pages.
use crate::harness::*;

/// Add `n` questions of each category to the bank: single choice, right option `B`.
async fn fill_bank(t: &TestApp, c: &Client, n: usize) {
    for cat in ["LAW", "MONOPOLY", "MARKETING", "SERVICE", "COMPUTER"] {
        for i in 0..n {
            let (s, v) = t
                .post_json(
                    c,
                    "/api/v1/test-questions",
                    &json!({"category": cat, "kind": "SINGLE", "stem": format!("{cat} 第 {i} 题"),
                            "options": ["甲", "乙", "丙", "丁"], "answer": [1], "explanation": "乙"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
    }
}

both_backends!(monthly_test_taken_once_and_scored, async |t: TestApp| {
    let (_, center) = t.login_as(Role::MarketingCenter).await;
    // no bank, no paper
    let (s, e) = t
        .post_json(&center, "/api/v1/tests", &json!({"month": "2026-11"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // bad questions are refused by field, nothing written
    for (body, field) in [
        (
            json!({"category": "ART", "kind": "SINGLE", "stem": "题", "options": ["甲", "乙"], "answer": [0]}),
            "知识类别",
        ),
        (
            json!({"category": "LAW", "kind": "SINGLE", "stem": "题", "options": ["甲", "乙"], "answer": [0, 1]}),
            "answer",
        ),
        (
            json!({"category": "LAW", "kind": "MULTIPLE", "stem": "题", "options": ["甲", "乙"], "answer": [5, 1]}),
            "answer",
        ),
        (
            json!({"category": "LAW", "kind": "SINGLE", "stem": "", "options": ["甲", "乙"], "answer": [0]}),
            "stem",
        ),
        (
            json!({"category": "LAW", "kind": "SINGLE", "stem": "题", "options": ["甲"], "answer": [0]}),
            "options",
        ),
    ] {
        let (s, e) = t.post_json(&center, "/api/v1/test-questions", &body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert!(e.to_string().contains(field), "{body} → {e}");
    }
    assert_eq!(
        t.scalar_i64("SELECT COUNT(*) FROM test_question", &[])
            .await,
        0
    );
    // a true/false question takes its options by itself
    let (s, v) = t
        .post_json(
            &center,
            "/api/v1/test-questions",
            &json!({"category": "LAW", "kind": "TRUE_FALSE", "stem": "持证经营卷烟零售", "answer": [0]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tf = v["id"].as_i64().unwrap();
    let (s, _) = t
        .put_json(
            &center,
            &format!("/api/v1/test-questions/{tf}/active"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    fill_bank(&t, &center, 5).await;

    // A paper of 20 (policy), four per category, the retired question left out; one a month.
    let (s, v) = t
        .post_json(
            &center,
            "/api/v1/tests",
            &json!({"month": "2026-11", "opens_on": "2026-11-16"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, _) = t
        .post_json(&center, "/api/v1/tests", &json!({"month": "2026-11"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let ids = t
        .scalar_text("SELECT question_ids FROM monthly_test WHERE id = $1", id)
        .await;
    let ids: Vec<i64> = serde_json::from_str(&ids).unwrap();
    assert_eq!(ids.len(), 20);
    assert!(!ids.contains(&tf));
    for cat in ["LAW", "MONOPOLY", "MARKETING", "SERVICE", "COMPUTER"] {
        let n = t
            .scalar_i64(
                &format!(
                    "SELECT COUNT(*) FROM test_question WHERE category = '{cat}' AND id IN ({})",
                    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                ),
                &[],
            )
            .await;
        assert_eq!(n, 4, "{cat}");
    }

    // A rep starts: the paper has no answers; a reload gives the same attempt.
    let reps = t.users_of_role("account_manager").await;
    let rep = t.login(&reps[0]).await;
    let attempt = format!("/api/v1/tests/{id}/attempt");
    let (s, p) = t.post_empty_json(&rep, &attempt).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["questions"].as_array().unwrap().len(), 20);
    assert!(p["questions"][0]["answer"].is_null());
    let (_, again) = t.post_empty_json(&rep, &attempt).await;
    assert_eq!(again["attempt"]["id"], p["attempt"]["id"]);
    // a wrong count of answers, an option out of range: refused by name
    let (s, e) = t.put_json(&rep, &attempt, &json!({"answers": [[1]]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("answers"), "{e}");
    let mut answers = vec![json!([1]); 20];
    answers[3] = json!([9]);
    let (s, e) = t
        .put_json(&rep, &attempt, &json!({"answers": answers}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("answers[3]"), "{e}");
    // 15 right (B), 5 wrong → 75
    let answers: Vec<Value> = (0..20)
        .map(|i| if i < 15 { json!([1]) } else { json!([0]) })
        .collect();
    let (s, v) = t
        .put_json(&rep, &attempt, &json!({"answers": answers}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["score"].as_f64(), Some(75.0));
    let (s, _) = t
        .put_json(&rep, &attempt, &json!({"answers": answers}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "one attempt");
    let stored = t
        .scalar_i64(
            "SELECT right_count FROM test_attempt WHERE test_id = $1",
            &[id],
        )
        .await;
    assert_eq!(stored, 15);
    // the right answers only once the window has closed
    let (_, mine) = t.get_json(&rep, &attempt).await;
    assert!(mine["questions"][0]["answer"].is_null());
    assert_eq!(mine["right"].as_array().unwrap().len(), 20);

    // A second rep runs out of time: the paper closes with 0.
    let late = t.login(&reps[1]).await;
    let (s, _) = t.post_empty_json(&late, &attempt).await;
    assert_eq!(s, StatusCode::OK);
    t.at_utc(2026, 11, 16, 4, 0);
    let (s, e) = t
        .put_json(&late, &attempt, &json!({"answers": vec![json!([1]); 20]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert!(e.to_string().contains("0 分"), "{e}");
    assert_eq!(
        t.scalar_i64(
            &format!("SELECT CAST(score AS BIGINT) FROM test_attempt WHERE test_id = $1 AND staff_id = {}", t.staff_id(&reps[1]).await),
            &[id]
        )
        .await,
        0
    );
    // others may not sit it; after the window nobody starts
    let (_, center_c) = t.login_as(Role::MarketingCenter).await;
    let (s, _) = t.post_empty_json(&center_c, &attempt).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    t.at(2026, 11, 23);
    if let Some(third) = reps.get(2) {
        let c = t.login(third).await;
        let (s, e) = t.post_empty_json(&c, &attempt).await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
    }
    let (_, mine) = t.get_json(&rep, &attempt).await;
    assert_eq!(mine["questions"][0]["answer"], json!([1]));

    // Results: the centre sees both, a rep only themself; per question most missed first.
    let results = format!("/api/v1/tests/{id}/results");
    let (_, r) = t.get_json(&center, &results).await;
    assert_eq!(r["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(r["mean"].as_f64(), Some(37.5));
    let first = &r["questions"][0];
    assert!(
        first["right_pct"].as_f64().unwrap() <= r["questions"][19]["right_pct"].as_f64().unwrap()
    );
    let (_, r) = t.get_json(&rep, &results).await;
    let rows = r["attempts"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["username"], reps[0].as_str());
    let (bm, _) = t.brand_manager().await;
    let bmc = t.login(&bm).await;
    let (s, _) = t.get_json(&bmc, &results).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(t.audit_count("submit").await >= 2);
});

both_backends!(monthly_test_pages, async |t: TestApp| {
    let (_, center) = t.login_form_as(Role::MarketingCenter).await;
    // a question through the bank's form: options one per line, the answer as letters
    let r = t
        .submit_form(
            &center,
            "/tests/bank",
            "/tests/bank",
            &[
                ("category", "MARKETING"),
                ("kind", "MULTIPLE"),
                ("stem", "需求预测的三种方法有"),
                ("options", "双向互动\n客户提报\n模型预测\n领导拍板"),
                ("answer", "ABC"),
                ("explanation", "三种方法"),
            ],
        )
        .await;
    assert!(r.status().is_redirection());
    let (_, html) = t.get_html(&center, "/tests/bank").await;
    assert!(
        html.contains("需求预测的三种方法有") && html.contains("ABC"),
        "{html}"
    );
    let r = t
        .submit_form(
            &center,
            "/tests",
            "/tests",
            &[("month", "2026-11"), ("opens_on", "2026-11-16")],
        )
        .await;
    assert!(r.status().is_redirection());
    let (_, html) = t.get_html(&center, "/tests").await;
    assert!(html.contains("2026-11 客户经理应知应会测试"));
    let id = t.scalar_i64("SELECT MAX(id) FROM monthly_test", &[]).await;
    // the rep takes it on the phone pages
    let rep = t.user_of_role("account_manager").await;
    let rc = t.login_form(&rep).await;
    let (_, home) = t.get_html(&rc, "/").await;
    assert!(home.contains("href=\"/tests\""));
    let (_, html) = t.get_html(&rc, &format!("/tests/{id}")).await;
    assert!(html.contains("开始答题"));
    let r = t
        .submit_form(
            &rc,
            &format!("/tests/{id}"),
            &format!("/tests/{id}/start"),
            &[],
        )
        .await;
    assert!(r.status().is_redirection());
    let (_, html) = t.get_html(&rc, &format!("/tests/{id}")).await;
    assert!(
        html.contains("交卷") && html.contains("type=\"checkbox\""),
        "{html}"
    );
    let r = t
        .submit_form(
            &rc,
            &format!("/tests/{id}"),
            &format!("/tests/{id}/submit"),
            &[("n", "1"), ("q0", "0"), ("q0", "1"), ("q0", "2")],
        )
        .await;
    assert!(r.status().is_redirection());
    let (_, html) = t.get_html(&rc, &format!("/tests/{id}")).await;
    assert!(html.contains("100") && html.contains("正确"), "{html}");
    let (s, html) = t.get_html(&center, &format!("/tests/{id}/results")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("按试题") && html.contains(&t.staff(&rep).await.name));
});
