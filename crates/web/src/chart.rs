//! Server-rendered SVG charts. Written by hand rather than with plotters: plotters lays text out
//! with its own font backend (a CJK font would have to be bundled), while plain SVG `<text>` is
//! drawn by the browser with the user's fonts, prints crisply and scales to a 360 px phone.

/// One bar of a [`bars_with_line`] chart.
pub struct Point<'a> {
    pub label: &'a str,
    /// The bar (e.g. supplied 条).
    pub bar: i64,
    /// The line (e.g. demanded 条).
    pub line: i64,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" axis maximum ≥ v (1, 2, 2.5 or 5 × 10^k).
fn nice_max(v: i64) -> i64 {
    if v <= 0 {
        return 10;
    }
    let mut p = 1i64;
    while p * 10 <= v {
        p *= 10;
    }
    for m in [1, 2, 5, 10] {
        if m * p >= v {
            return m * p;
        }
    }
    10 * p
}

/// Bars with a line over them, with a title, axis ticks and a legend.
pub fn bars_with_line(
    title: &str, bar_name: &str, line_name: &str, points: &[Point<'_>],
) -> String {
    let (w, h) = (640.0, 260.0);
    let (left, right, top, bottom) = (56.0, 12.0, 36.0, 40.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = nice_max(points.iter().map(|p| p.bar.max(p.line)).max().unwrap_or(0));
    let n = points.len().max(1) as f64;
    let slot = pw / n;
    let y = |v: i64| top + ph - (v as f64 / max as f64) * ph;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" class="chart">"#,
        t = esc(title)
    );
    s.push_str(&format!(
        r#"<text x="{left}" y="20" class="chart-title">{}</text>"#,
        esc(title)
    ));
    for i in 0..=4 {
        let v = max * i / 4;
        let yy = y(v);
        s.push_str(&format!(
            r#"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" class="grid"/><text x="{tx}" y="{ty:.1}" class="tick" text-anchor="end">{v}</text>"#,
            x2 = w - right,
            tx = left - 6.0,
            ty = yy + 4.0,
        ));
    }
    for (i, p) in points.iter().enumerate() {
        let x = left + slot * i as f64;
        let bw = slot * 0.6;
        let by = y(p.bar);
        s.push_str(&format!(
            r#"<rect x="{bx:.1}" y="{by:.1}" width="{bw:.1}" height="{bh:.1}" class="bar"><title>{l}: {b}</title></rect>"#,
            bx = x + slot * 0.2,
            bh = top + ph - by,
            l = esc(p.label),
            b = p.bar
        ));
        s.push_str(&format!(
            r#"<text x="{lx:.1}" y="{ly}" class="tick" text-anchor="middle">{l}</text>"#,
            lx = x + slot / 2.0,
            ly = h - bottom + 16.0,
            l = esc(p.label.get(5..).unwrap_or(p.label))
        ));
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{:.1},{:.1}",
                left + slot * i as f64 + slot / 2.0,
                y(p.line)
            )
        })
        .collect();
    if !path.is_empty() {
        s.push_str(&format!(
            r#"<polyline points="{}" class="line"/>"#,
            path.join(" ")
        ));
        for pt in &path {
            let (px, py) = pt.split_once(',').unwrap_or(("0", "0"));
            s.push_str(&format!(
                r#"<circle cx="{px}" cy="{py}" r="3" class="dot"/>"#
            ));
        }
    }
    let ly = h - 8.0;
    s.push_str(&format!(
        r#"<rect x="{left}" y="{ry}" width="12" height="10" class="bar"/><text x="{tx}" y="{ly}" class="tick">{b}</text><line x1="{lx1}" x2="{lx2}" y1="{lly}" y2="{lly}" class="line"/><text x="{tx2}" y="{ly}" class="tick">{l}</text>"#,
        ry = ly - 9.0,
        tx = left + 16.0,
        b = esc(bar_name),
        lx1 = left + 140.0,
        lx2 = left + 156.0,
        lly = ly - 4.0,
        tx2 = left + 160.0,
        l = esc(line_name)
    ));
    s.push_str("</svg>");
    s
}

/// A small trend line of monthly values (gaps where a month has none) with an optional target
/// line, for the KPI page: 13 months on a 320 × 120 phone-width chart.
pub fn trend(title: &str, points: &[(String, Option<f64>)], target: Option<f64>) -> String {
    let (w, h) = (320.0, 120.0);
    let (left, right, top, bottom) = (44.0, 8.0, 10.0, 22.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let vals: Vec<f64> = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(target)
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if !lo.is_finite() {
        (0.0, 1.0)
    } else if (hi - lo).abs() < 1e-9 {
        (lo - 1.0, hi + 1.0)
    } else {
        let pad = (hi - lo) * 0.1;
        (lo - pad, hi + pad)
    };
    let n = points.len().max(2) as f64;
    let x = |i: usize| left + pw * i as f64 / (n - 1.0);
    let y = |v: f64| top + ph - (v - lo) / (hi - lo) * ph;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" class="chart trend">"#,
        t = esc(title)
    );
    for v in [lo, hi] {
        s.push_str(&format!(
            r#"<text x="{tx}" y="{ty:.1}" class="tick" text-anchor="end">{v:.1}</text>"#,
            tx = left - 4.0,
            ty = y(v) + 4.0
        ));
    }
    if let Some(t) = target {
        s.push_str(&format!(
            r#"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" class="target"><title>目标 {t}</title></line>"#,
            x2 = w - right,
            yy = y(t)
        ));
    }
    let mut seg: Vec<String> = Vec::new();
    let flush = |seg: &mut Vec<String>, s: &mut String| {
        if seg.len() > 1 {
            s.push_str(&format!(
                r#"<polyline points="{}" class="line"/>"#,
                seg.join(" ")
            ));
        }
        seg.clear();
    };
    for (i, (label, v)) in points.iter().enumerate() {
        match v {
            Some(v) => {
                seg.push(format!("{:.1},{:.1}", x(i), y(*v)));
                s.push_str(&format!(
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" class="dot"><title>{}: {v:.2}</title></circle>"#,
                    x(i),
                    y(*v),
                    esc(label)
                ));
            }
            None => flush(&mut seg, &mut s),
        }
    }
    flush(&mut seg, &mut s);
    if let (Some((first, _)), Some((last, _))) = (points.first(), points.last()) {
        s.push_str(&format!(
            r#"<text x="{left}" y="{ly}" class="tick">{}</text><text x="{x2}" y="{ly}" class="tick" text-anchor="end">{}</text>"#,
            esc(first),
            esc(last),
            ly = h - 6.0,
            x2 = w - right
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_breaks_at_a_missing_month_and_draws_the_target() {
        let pts = vec![
            ("2026-01".to_string(), Some(88.0)),
            ("2026-02".to_string(), Some(90.0)),
            ("2026-03".to_string(), None),
            ("2026-04".to_string(), Some(91.0)),
            ("2026-05".to_string(), Some(92.0)),
        ];
        let svg = trend("重点品牌销售比重", &pts, Some(89.5));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("class=\"target\""));
    }
    #[test]
    fn draws_every_point_and_escapes() {
        let pts = [
            Point {
                label: "2026-01",
                bar: 120,
                line: 150,
            },
            Point {
                label: "2026-02",
                bar: 80,
                line: 80,
            },
        ];
        let svg = bars_with_line("购进 <趋势>", "购进量", "需求量", &pts);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("class=\"bar\"><title>").count(), 2);
        assert!(svg.contains("购进 &lt;趋势&gt;"));
        assert_eq!(nice_max(151), 200);
        assert_eq!(nice_max(0), 10);
    }
}
