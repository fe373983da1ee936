//! `m135 forecast` through the front door: the binary on temporary CSV files.
use crate::harness::*;
use std::path::PathBuf;

fn tmp(name: &str) -> PathBuf {
    tmp_in("forecast", name)
}

fn write(name: &str, text: &str) -> PathBuf {
    let p = tmp(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn csv_two_series(reverse: bool) -> String {
    let mut rows = Vec::new();
    for t in 0..30 {
        let (y, m) = (2022 + t / 12, t % 12 + 1);
        rows.push(format!("A,{y}-{m:02},{}", 100 + t));
        rows.push(format!("B,{y}-{m:02},{}", if t % 3 == 0 { 5 } else { 0 }));
    }
    if reverse {
        rows.reverse();
    }
    format!("series_id,period,value\n{}\n", rows.join("\n"))
}

#[test]
fn forecasts_a_file_with_quantile_columns() {
    let input = write("in.csv", &csv_two_series(false));
    let out = tmp("out.csv");
    let o = m135(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "3",
        "--levels",
        "80,95",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "series_id,period,forecast,method,class,lo_80,hi_80,lo_95,hi_95"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("A,2024-07,"), "{}", rows[0]);
    assert!(rows[3].starts_with("B,2024-07,"), "{}", rows[3]);
}

#[test]
fn output_does_not_depend_on_row_order() {
    let (a, b) = (
        write("ord_a.csv", &csv_two_series(false)),
        write("ord_b.csv", &csv_two_series(true)),
    );
    let (oa, ob) = (tmp("ord_a_out.csv"), tmp("ord_b_out.csv"));
    for (i, o) in [(&a, &oa), (&b, &ob)] {
        let r = m135(&[
            "forecast",
            "--input",
            i.to_str().unwrap(),
            "--horizon",
            "4",
            "--output",
            o.to_str().unwrap(),
        ]);
        assert!(r.status.success());
    }
    let sorted = |p: &PathBuf| {
        let mut v: Vec<String> = std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&oa), sorted(&ob));
}

fn fails_with(csv: &str, name: &str, needles: &[&str]) {
    let input = write(name, csv);
    let out = tmp("never.csv");
    let o = m135(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for n in needles {
        assert!(err.contains(n), "{err} lacks {n}");
    }
}

#[test]
fn bad_input_names_line_and_field() {
    fails_with(
        "series_id,period,qty\nA,2024-01,1\n",
        "nocol.csv",
        &["第 1 行", "value"],
    );
    fails_with(
        "series_id,period,value\nA,2024-01,1\nA,2024-02,abc\n",
        "num.csv",
        &["第 3 行", "value", "abc"],
    );
    fails_with(
        "series_id,period,value\nA,2024-01,1\nA,2024/02,2\n",
        "per.csv",
        &["第 3 行", "period"],
    );
    fails_with(
        "series_id,period,value\nA,2024-01,1\nA,2024-01,2\n",
        "dup.csv",
        &["第 3 行", "重复", "第 2 行"],
    );
    fails_with(
        "series_id,period,value\nA,2024-01,1\nA,2024-04,2\n",
        "gap.csv",
        &["第 3 行", "2024-02", "2024-03"],
    );
}

#[test]
fn gaps_can_be_filled_or_skipped() {
    let csv = "series_id,period,value\nA,2024-01,1\nA,2024-04,2\nB,2024-01,3\nB,2024-02,3\n";
    let input = write("gaps.csv", csv);
    let out = tmp("gaps_out.csv");
    let o = m135(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "1",
        "--gaps",
        "skip",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("跳过 1 条"));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);
    let o = m135(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "1",
        "--gaps",
        "zero",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3);
}

#[test]
fn eval_prints_the_metrics_table() {
    let input = write("eval.csv", &csv_two_series(false));
    let o = m135(&[
        "forecast",
        "eval",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "6",
        "--method",
        "auto,snaive",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    for n in [
        "sMAPE", "MASE_s", "RMSSE", "aggBias", "acc_w", "seconds", "auto", "snaive",
    ] {
        assert!(out.contains(n), "{out} lacks {n}");
    }
}

#[test]
fn unknown_method_is_rejected() {
    let input = write("m.csv", &csv_two_series(false));
    let o = m135(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "2",
        "--method",
        "magic",
        "--output",
        tmp("m_out.csv").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("未知的预测方法"));
}
