//! Server-rendered SVG line charts (no JavaScript): one line per series over the years, a gap
//! where a year has no value. Every text is escaped here, so the template may insert the SVG
//! as is. Calls nothing.

use crate::markup::escape;
use std::fmt::Write;

/// One line of a chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Stroke colour (a CSS colour of our own, never user input).
    pub color: &'static str,
    /// One value per year; `None` is a gap.
    pub values: Vec<Option<i64>>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 32.0;

/// An accessible SVG line chart of `series` over `years`.
pub fn line_chart(title: &str, years: &[i32], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let max = nice_ceiling(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        if years.len() <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (years.len() - 1) as f64
        }
    };
    let y = |v: i64| TOP + plot_h - plot_h * v as f64 / max as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title>"#,
        escape(title)
    );
    // Grid and y labels at 0, ½ and the top.
    for tick in [0, max / 2, max] {
        let ty = y(tick);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#ccc" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#333">{tick}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            ty + 4.0
        );
    }
    for (i, year) in years.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#333">{year}</text>"##,
            x(i),
            HEIGHT - 10.0
        );
    }
    for (n, s) in series.iter().enumerate() {
        // Legend.
        let lx = LEFT + n as f64 * 170.0;
        let _ = write!(
            svg,
            r##"<rect x="{lx:.1}" y="10" width="14" height="14" fill="{}"/><text x="{:.1}" y="22" font-size="13" fill="#222">{}</text>"##,
            s.color,
            lx + 20.0,
            escape(&s.label)
        );
        // Lines between consecutive years that both have a value.
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                svg,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="2.5"/>"#,
                path.trim_end(),
                s.color
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let (Some(v), Some(year)) = (v, years.get(i)) {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{}"><title>{year} {}: {v}</title></circle>"#,
                    x(i),
                    y(*v),
                    s.color,
                    escape(&s.label)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (an even top for the axis).
fn nice_ceiling(v: i64) -> i64 {
    let mut base = 1i64;
    loop {
        for step in [1, 2, 5] {
            let candidate = base.saturating_mul(step);
            if candidate >= v {
                return candidate.max(2);
            }
        }
        if base > i64::MAX / 10 {
            return v;
        }
        base *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_break_the_line_and_text_is_escaped() {
        let svg = line_chart(
            "a<b",
            &[2020, 2021, 2022],
            &[Series {
                label: "x&y".into(),
                color: "#1f77b4",
                values: vec![Some(3), None, Some(5)],
            }],
        );
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"));
        assert_eq!(svg.matches('M').count(), 2, "two separate pieces: {svg}");
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(i64::MAX), i64::MAX);
    }
}
