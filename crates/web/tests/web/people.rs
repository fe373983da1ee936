//! People (`/people`, `/grading`, `/api/v1/people/…`, `/api/v1/grading/…`, `/api/v1/payroll`,
//! domain.md §11): HR records with their refusals, a grading round walked from opening to
//! approval with the §11.3 worked example reproduced (81.78), an appeal upheld and one rejected,
//! the publicity window kept by the platform clock, the access rules, and the payroll with the
//! §11.4 worked examples (1,830 元; 1,242 元).
use crate::harness::*;

/// The §11.3 example's scores per group.
const LEADERS: [f64; 5] = [88.0, 92.0, 85.0, 90.0, 79.0];
const PEERS: [f64; 6] = [80.0, 85.0, 83.0, 90.0, 70.0, 88.0];
const STAFF: [f64; 7] = [84.0, 86.0, 82.0, 91.0, 75.0, 89.0, 87.0];
const CUSTOMERS: [f64; 11] = [
    95.0, 92.0, 90.0, 97.0, 88.0, 93.0, 91.0, 96.0, 89.0, 94.0, 85.0,
];
const RUBRIC_MAX: [f64; 10] = [10.0, 10.0, 10.0, 10.0, 10.0, 20.0, 4.0, 10.0, 10.0, 6.0];

/// A total as the rubric's items (each in proportion to its full marks).
fn items(total: f64) -> Value {
    let v: Vec<f64> = RUBRIC_MAX.iter().map(|m| m * total / 100.0).collect();
    json!({ "items": v })
}

async fn put_hr(t: &TestApp, c: &Client, user: &str, body: Value) -> (StatusCode, Value) {
    t.put_json(c, &format!("/api/v1/people/hr/{user}"), &body)
        .await
}

/// The assignments of a candidate in a group: (assignment, reviewer username), by id.
async fn assignments(t: &TestApp, round: i64, staff: i64, group: &str) -> Vec<(i64, String)> {
    t.pairs(
        &format!(
            "SELECT a.id, s.username FROM grading_assignment a JOIN grading_candidate c ON c.id = a.candidate_id \
             JOIN staff s ON s.id = a.reviewer_id WHERE c.round_id = $1 AND c.staff_id = $2 AND a.grp = '{group}' ORDER BY a.id"
        ),
        &[round, staff],
    )
    .await
}

/// Make a candidate's group exactly `n` assignments (adding through the API; the automatic
/// assignment never gives more than the example needs in the test city).
async fn fill(t: &TestApp, center: &Client, round: i64, cand: &str, group: &str, n: usize) {
    let staff = t.staff_id(cand).await;
    let have = assignments(t, round, staff, group).await;
    assert!(have.len() <= n, "{group}: {} assigned", have.len());
    let mut need = n - have.len();
    if group == "CUSTOMERS" {
        let codes = t
            .pairs(
                "SELECT id, customer_code FROM retailer WHERE account_manager_id = $1 AND id NOT IN \
                 (SELECT COALESCE(retailer_id, 0) FROM grading_assignment WHERE round_id = $2) ORDER BY id",
                &[staff, round],
            )
            .await;
        let panel = t.user_of_role("marketing_center").await;
        for (_, code) in codes.into_iter().take(need) {
            let (s, v) = t
                .post_json(
                    center,
                    &format!("/api/v1/grading/rounds/{round}/assignments"),
                    &json!({"candidate": cand, "reviewer": panel, "group": group, "customer_code": code}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            need -= 1;
        }
    } else {
        let everyone = t
            .pairs(
                "SELECT id, username FROM staff WHERE id <> $1 AND role <> 'admin' ORDER BY id",
                &[staff],
            )
            .await;
        for (_, u) in everyone {
            if need == 0 {
                break;
            }
            if have.iter().any(|(_, r)| *r == u) {
                continue;
            }
            let (s, v) = t
                .post_json(
                    center,
                    &format!("/api/v1/grading/rounds/{round}/assignments"),
                    &json!({"candidate": cand, "reviewer": u, "group": group}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            need -= 1;
        }
    }
    assert_eq!(need, 0, "{group}: not enough people to review {cand}");
}

/// Score a candidate's group with `scores` in assignment order, each as its reviewer.
async fn score_group(t: &TestApp, round: i64, cand: &str, group: &str, scores: &[f64]) {
    let staff = t.staff_id(cand).await;
    let list = assignments(t, round, staff, group).await;
    assert_eq!(list.len(), scores.len(), "{group}");
    for ((id, reviewer), score) in list.iter().zip(scores) {
        let c = t.login(reviewer).await;
        let (s, v) = t
            .post_json(
                &c,
                &format!("/api/v1/grading/assignments/{id}/score"),
                &items(*score),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["score"].as_f64(), Some(*score));
    }
}

both_backends!(
    grading_round_from_opening_to_approval,
    async |t: TestApp| {
        let (_, center) = t.login_as(Role::MarketingCenter).await;
        let reps = t.users_of_role("account_manager").await;
        let (a, b) = (reps[0].clone(), reps[1].clone());
        // The §11.3 candidate: 大专对口, six years in the post by the round's date, contract staff.
        let (s, v) = put_hr(
        &t,
        &center,
        &a,
        json!({"education": "COLLEGE", "matched": true, "rep_since": "2020-11-01", "employment_type": "CONTRACT", "version": 0}),
    )
    .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["education_points"].as_f64(), Some(13.0));
        assert_eq!(v["years_points"].as_f64(), Some(8.0));
        let (s, v) = put_hr(
        &t,
        &center,
        &b,
        json!({"education": "本科", "rep_since": "2024-03-01", "marketer_cert": "JUNIOR", "marketer_cert_on": "2025-01-05", "version": 0}),
    )
    .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // Open: a and b only; a market manager may not.
        let mm = t.login(&t.manager_of(&a).await).await;
        let open = json!({"name": "2026 年客户经理竞聘定级", "usernames": [a, b]});
        let (s, _) = t.post_json(&mm, "/api/v1/grading/rounds", &open).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = t.post_json(&center, "/api/v1/grading/rounds", &open).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let round = v["id"].as_i64().unwrap();
        let (s, _) = t.post_json(&center, "/api/v1/grading/rounds", &open).await;
        assert_eq!(s, StatusCode::CONFLICT, "one round at a time");

        // Reviews: exactly the example's reviewers for a, three of each group for b.
        for (group, n) in [
            ("LEADERS", 5),
            ("PEER_REPS", 6),
            ("STAFF", 7),
            ("CUSTOMERS", 11),
        ] {
            fill(&t, &center, round, &a, group, n).await;
        }
        for (group, n) in [
            ("LEADERS", 4),
            ("PEER_REPS", 3),
            ("STAFF", 3),
            ("CUSTOMERS", 11),
        ] {
            let have = assignments(&t, round, t.staff_id(&b).await, group)
                .await
                .len();
            fill(&t, &center, round, &b, group, n.max(have)).await;
        }
        // Publicity is refused while scores are missing, naming whom.
        let (s, e) = t
            .post_empty_json(
                &center,
                &format!("/api/v1/grading/rounds/{round}/publicity"),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        score_group(&t, round, &a, "LEADERS", &LEADERS).await;
        score_group(&t, round, &a, "PEER_REPS", &PEERS).await;
        score_group(&t, round, &a, "STAFF", &STAFF).await;
        score_group(&t, round, &a, "CUSTOMERS", &CUSTOMERS).await;
        for group in ["LEADERS", "PEER_REPS", "STAFF", "CUSTOMERS"] {
            let n = assignments(&t, round, t.staff_id(&b).await, group)
                .await
                .len();
            score_group(&t, round, &b, group, &vec![78.0; n]).await;
        }

        // A reviewer sees only their own assignments; another's, or a second score, is refused.
        let staff_a = t.staff_id(&a).await;
        let (first, reviewer) = assignments(&t, round, staff_a, "LEADERS").await[0].clone();
        let rc = t.login(&reviewer).await;
        let (s, mine) = t
            .get_json(&rc, &format!("/api/v1/grading/rounds/{round}/reviews"))
            .await;
        assert_eq!(s, StatusCode::OK);
        let rid = t.staff_id(&reviewer).await;
        assert!(
            mine["assignments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["reviewer_id"].as_i64() == Some(rid))
        );
        let (s, _) = t
            .post_json(
                &rc,
                &format!("/api/v1/grading/assignments/{first}/score"),
                &items(90.0),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "scored once");
        let (other, _) = assignments(&t, round, staff_a, "STAFF").await[0].clone();
        let intruder = t.login(&b).await;
        let (s, _) = t
            .post_json(
                &intruder,
                &format!("/api/v1/grading/assignments/{other}/score"),
                &items(100.0),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Exams: a bad score names its row; then a 86, b 75.
        let exams = format!("/api/v1/grading/rounds/{round}/exams");
        let (s, e) = t
            .put_json(
                &center,
                &exams,
                &json!({"exams": [{"username": a, "score": 86}, {"username": b, "score": 140}]}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(e.to_string().contains("exams[1].score"), "{e}");
        let (s, _) = t
            .put_json(
                &center,
                &exams,
                &json!({"exams": [{"username": a, "score": 86}, {"username": b, "score": 75}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);

        // Publicity from 2026-11-16 for three days; a's sheet is the worked example's.
        let (s, v) = t
            .post_empty_json(
                &center,
                &format!("/api/v1/grading/rounds/{round}/publicity"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["until"], "2026-11-18");
        let (_, page) = t
            .get_json(&center, &format!("/api/v1/grading/rounds/{round}"))
            .await;
        let ca = page["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["username"] == a.as_str())
            .unwrap()
            .clone();
        assert_eq!(ca["score"]["basic"].as_f64(), Some(21.0));
        assert_eq!(ca["score"]["exam_points"].as_f64(), Some(34.4));
        let points: Vec<f64> = ca["score"]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["points"].as_f64().unwrap())
            .collect();
        assert_eq!(points, vec![5.26, 3.36, 8.56, 9.2]);
        assert_eq!(ca["score"]["review"].as_f64(), Some(26.38));
        assert_eq!(ca["total"].as_f64(), Some(81.78));
        // Nobody reads a reviewer's own score: the round has trimmed means only.
        let text = page.to_string();
        assert!(!text.contains("items_json") && !text.contains("reviewer_id"));
        // Every staff member of the county reads the publicity; the rep sees their own sheet.
        let ac = t.login(&a).await;
        let (s, pub_page) = t
            .get_json(&ac, &format!("/api/v1/grading/rounds/{round}"))
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            pub_page["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["username"] == a.as_str())
        );
        assert_eq!(pub_page["mine"]["total"].as_f64(), Some(81.78));
        assert!(!pub_page.to_string().contains("reviewer_id"));

        // Appeals: a's is upheld with a corrected exam, b's rejected; a second pending one is refused.
        let appeals = format!("/api/v1/grading/rounds/{round}/appeals");
        let (s, e) = t.post_json(&ac, &appeals, &json!({"reason": " "})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        let (s, v) = t
            .post_json(&ac, &appeals, &json!({"reason": "考试第三题漏计分"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let appeal_a = v["id"].as_i64().unwrap();
        let (s, _) = t
            .post_json(&ac, &appeals, &json!({"reason": "再次申诉"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let bc = t.login(&b).await;
        let (s, v) = t
            .post_json(&bc, &appeals, &json!({"reason": "评议分偏低"}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let appeal_b = v["id"].as_i64().unwrap();
        let (s, _) = t
            .post_json(
                &mm,
                &format!("/api/v1/grading/appeals/{appeal_a}/decision"),
                &json!({"upheld": true, "answer": "同意"}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = t
            .post_json(
                &center,
                &format!("/api/v1/grading/appeals/{appeal_a}/decision"),
                &json!({"upheld": true, "answer": "复核后更正为 90 分", "exam_score": 90}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = t
            .post_json(
                &center,
                &format!("/api/v1/grading/appeals/{appeal_b}/decision"),
                &json!({"upheld": false, "answer": ""}),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "a written answer");
        let (s, _) = t
            .post_json(
                &center,
                &format!("/api/v1/grading/appeals/{appeal_b}/decision"),
                &json!({"upheld": false, "answer": "复核无误，维持原结果"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (_, page) = t
            .get_json(&center, &format!("/api/v1/grading/rounds/{round}"))
            .await;
        let ca = page["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["username"] == a.as_str())
            .unwrap()
            .clone();
        // 21 + 90 × 40 % + 26.38
        assert_eq!(ca["total"].as_f64(), Some(83.38));
        assert_eq!(ca["proposed_level"], "INTERMEDIATE");
        assert_eq!(ca["proposed_step"], "A");

        // The window is the platform clock's: no decision inside it, no appeal after it.
        let decision = format!("/api/v1/grading/rounds/{round}/decision");
        t.at(2026, 11, 18);
        let (s, e) = t.post_json(&center, &decision, &json!({})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        t.at(2026, 11, 19);
        let (s, e) = t
            .post_json(&ac, &appeals, &json!({"reason": "再申诉"}))
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        assert!(e.to_string().contains("公示期"), "{e}");
        let (s, e) = t
        .post_json(
            &center,
            &decision,
            &json!({"overrides": [{"username": b, "level": "INTERMEDIATE", "step": "C", "reason": ""}]}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(e.to_string().contains("overrides[0].reason"), "{e}");
        let (s, v) = t
        .post_json(
            &center,
            &decision,
            &json!({"overrides": [{"username": b, "level": "INTERMEDIATE", "step": "C", "reason": "农网片区业绩突出"}]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["graded"].as_i64(), Some(2));

        // Approval: the centre's, never a market manager's; grades into the records and history.
        let approval = format!("/api/v1/grading/rounds/{round}/approval");
        let (s, _) = t.post_empty_json(&mm, &approval).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = t.post_empty_json(&center, &approval).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = t.post_empty_json(&center, &approval).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (_, me) = t.get_json(&ac, "/api/v1/people/me").await;
        assert_eq!(me["hr"]["level"], "INTERMEDIATE");
        assert_eq!(me["hr"]["step"], "A");
        assert_eq!(me["grades"][0]["round_id"].as_i64(), Some(round));
        // first round: the missing 营销员 certificate is a warning, not a cap
        let note = me["candidacies"][0]["candidate"]["cert_note"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(note.contains("营销员证书"), "{me}");
        let (_, hb) = t.get_json(&center, &format!("/api/v1/people/hr/{b}")).await;
        assert_eq!(hb["grade_zh"], "中级c档");
        assert!(t.audit_count("approve").await >= 1);

        // Pay (§11.4): a (contract, 中级a, six years) = 550 + 100 + 6×4 + 400×1.35 = 1,214 元.
        let (s, v) = t
            .post_json(&center, "/api/v1/payroll", &json!({"month": "2026-11"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let line = |p: &Value, u: &str| {
            p["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["username"] == u)
                .cloned()
                .unwrap()
        };
        let (_, pay) = t.get_json(&center, "/api/v1/payroll?month=2026-11").await;
        assert_eq!(line(&pay, &a)["total_fen"].as_i64(), Some(121_400));
        // the worked examples: permanent 中级b rural → 1,830 元; contract 中级b rural 12 years → 1,242 元
        let version = |v: &Value| v["version"].as_i64().unwrap();
        let (_, hb) = t.get_json(&center, &format!("/api/v1/people/hr/{b}")).await;
        let (s, v) = put_hr(
        &t,
        &center,
        &b,
        json!({"education": "BACHELOR", "rep_since": "2024-03-01", "employment_type": "PERMANENT", "level": "INTERMEDIATE", "step": "B", "rural": true, "reason": "调档", "version": version(&hb)}),
    )
    .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, ha) = t.get_json(&center, &format!("/api/v1/people/hr/{a}")).await;
        let (s, v) = put_hr(
        &t,
        &center,
        &a,
        json!({"education": "COLLEGE", "matched": true, "rep_since": "2014-11-01", "employment_type": "CONTRACT", "level": "INTERMEDIATE", "step": "B", "rural": true, "reason": "调档", "version": version(&ha)}),
    )
    .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = t
            .post_json(&center, "/api/v1/payroll", &json!({"month": "2026-11"}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, pay) = t.get_json(&center, "/api/v1/payroll?month=2026-11").await;
        let lb = line(&pay, &b);
        assert_eq!(lb["total_fen"].as_i64(), Some(183_000));
        assert_eq!(lb["paid_step"], "A");
        assert_eq!(line(&pay, &a)["total_fen"].as_i64(), Some(124_200));
        assert_eq!(line(&pay, &a)["seniority_fen"].as_i64(), Some(5_200));
        let sum = t
            .scalar_i64(
                "SELECT CAST(SUM(total_fen) AS BIGINT) FROM payroll_line WHERE month = '2026-11'",
                &[],
            )
            .await;
        assert_eq!(pay["total_fen"].as_i64(), Some(sum));

        // A rep sees only their own pay and record.
        let (s, _) = t.get_json(&ac, "/api/v1/payroll?month=2026-11").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = t.get_json(&ac, &format!("/api/v1/people/hr/{b}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, me) = t.get_json(&ac, "/api/v1/people/me").await;
        let pay_rows = me["pay"].as_array().unwrap();
        assert!(!pay_rows.is_empty());
        assert!(pay_rows.iter().all(|p| p["username"] == a.as_str()));
        // the payroll sheet as .xlsx
        let r = t.get(&center, "/people/payroll.xlsx?month=2026-11").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    }
);

both_backends!(hr_record_refusals_write_nothing, async |t: TestApp| {
    let (_, center) = t.login_as(Role::MarketingCenter).await;
    let rep = t.user_of_role("account_manager").await;
    let rows = || t.scalar_i64("SELECT COUNT(*) FROM staff_hr", &[]);
    for (body, field) in [
        (json!({"education": "博士", "version": 0}), "学历"),
        (
            json!({"education": "COLLEGE", "rep_since": "2030-01-01", "version": 0}),
            "rep_since",
        ),
        (
            json!({"education": "COLLEGE", "rep_since": "2020-13-01", "version": 0}),
            "rep_since",
        ),
        (
            json!({"education": "COLLEGE", "prior_months": 700, "version": 0}),
            "prior_months",
        ),
        (
            json!({"education": "COLLEGE", "level": "SENIOR", "version": 0}),
            "step",
        ),
        (
            json!({"education": "COLLEGE", "level": "SENIOR", "step": "A", "version": 0}),
            "reason",
        ),
        (
            json!({"education": "COLLEGE", "marketer_cert_on": "2020-01-01", "version": 0}),
            "marketer_cert_on",
        ),
    ] {
        let (s, e) = put_hr(&t, &center, &rep, body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {e}");
        assert!(e.to_string().contains(field), "{body} → {e}");
    }
    assert_eq!(rows().await, 0);
    let (s, v) = put_hr(
        &t,
        &center,
        &rep,
        json!({"education": "COLLEGE", "level": "JUNIOR", "step": "A", "reason": "入职定级", "version": 0}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"].as_i64(), Some(1));
    // a stale version is a conflict; nothing changes
    let (s, _) = put_hr(
        &t,
        &center,
        &rep,
        json!({"education": "BACHELOR", "level": "JUNIOR", "step": "A", "version": 0}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, v) = t
        .get_json(&center, &format!("/api/v1/people/hr/{rep}"))
        .await;
    assert_eq!(v["education"], "COLLEGE");
    assert_eq!(
        t.scalar_i64("SELECT COUNT(*) FROM staff_grade", &[]).await,
        1
    );
    assert!(
        t.scalar_i64(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'staff_hr'",
            &[]
        )
        .await
            >= 1
    );
    // a market manager keeps no records
    let mm = t.login(&t.manager_of(&rep).await).await;
    let (s, _) = put_hr(&t, &mm, &rep, json!({"education": "COLLEGE", "version": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // a payroll month in the future is refused by name
    let (s, e) = t
        .post_json(&center, "/api/v1/payroll", &json!({"month": "2027-05"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("month"), "{e}");
});

both_backends!(people_pages_and_forms, async |t: TestApp| {
    let (_, center) = t.login_form_as(Role::MarketingCenter).await;
    let rep = t.user_of_role("account_manager").await;
    for (path, text) in [
        ("/people", "我的档案"),
        ("/people/hr", "客户经理人事档案"),
        (&format!("/people/hr/{rep}"), "保存档案"),
        ("/people/payroll", "客户经理工资表"),
        ("/grading", "开启新一轮"),
    ] {
        let (s, html) = t.get_html(&center, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(html.contains(text), "{path}");
    }
    let (_, home) = t.get_html(&center, "/").await;
    for link in ["/people", "/grading", "/people/hr", "/people/payroll"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "menu {link}");
    }
    // the record through its form
    let r = t
        .submit_form(
            &center,
            &format!("/people/hr/{rep}"),
            &format!("/people/hr/{rep}"),
            &[
                ("version", "0"),
                ("education", "COLLEGE"),
                ("matched", "1"),
                ("rep_since", "2019-05-01"),
                ("prior_months", "0"),
                ("employment_type", "CONTRACT"),
                ("level", "JUNIOR"),
                ("step", "B"),
                ("reason", "入职定级"),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (_, html) = t.get_html(&center, "/people/hr").await;
    assert!(html.contains("初级b档"));
    // a bad date is shown on the form, nothing written
    let r = t
        .submit_form(
            &center,
            &format!("/people/hr/{rep}"),
            &format!("/people/hr/{rep}"),
            &[
                ("version", "1"),
                ("education", "COLLEGE"),
                ("rep_since", "5/1/2019"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // the payroll through its form, then the page
    let r = t
        .submit_form(
            &center,
            "/people/payroll",
            "/people/payroll",
            &[("month", "2026-11")],
        )
        .await;
    assert!(r.status().is_redirection());
    let (_, html) = t.get_html(&center, "/people/payroll?month=2026-11").await;
    assert!(html.contains("导出 Excel") && html.contains("效益工资"));
    // a round through its form; the rep sees the menu and their page
    let r = t
        .submit_form(
            &center,
            "/grading",
            "/grading",
            &[
                ("name", "试点轮"),
                ("as_of", "2026-11-16"),
                ("usernames", &rep),
            ],
        )
        .await;
    assert!(r.status().is_redirection());
    let (s, html) = t.follow(&center, &r).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("试点轮") && html.contains("保存考试成绩"),
        "{html}"
    );
    let rc = t.login_form(&rep).await;
    let (_, html) = t.get_html(&rc, "/people").await;
    assert!(html.contains("初级b档") && html.contains("试点轮"));
    let (_, html) = t.get_html(&rc, "/").await;
    assert!(html.contains("href=\"/grading\"") && !html.contains("href=\"/people/payroll\""));
    // a reviewer's page has the rubric's form
    let reviewer = t
        .pairs(
            "SELECT a.id, s.username FROM grading_assignment a JOIN staff s ON s.id = a.reviewer_id ORDER BY a.id",
            &[],
        )
        .await;
    let (_, who) = reviewer[0].clone();
    let wc = t.login_form(&who).await;
    let round = t.scalar_i64("SELECT MAX(id) FROM grading_round", &[]).await;
    let (s, html) = t.get_html(&wc, &format!("/grading/{round}/reviews")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("行纪行规") && html.contains("提交评分"));
});
