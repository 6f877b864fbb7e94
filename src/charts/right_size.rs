//! Right-sizing's chart (issue 18): the cost a month of each instance type
//! tried, cheapest per instance first, as horizontal bars: the cluster that
//! fits (green when it is a candidate), or the largest tried that did not
//! (red). Bars read at a phone's width, where 40 upright type names do not.

use berth_core::recommend::CostPoint;
use plotters::prelude::*;

const ROW: i32 = 20;
const CANDIDATE: RGBColor = RGBColor(0x2d, 0xa4, 0x4e);
const FITS: RGBColor = RGBColor(0xa8, 0xd5, 0xb4);
const REJECTED: RGBColor = RGBColor(0xe5, 0x8a, 0x8a);
const INK: RGBColor = RGBColor(0x5b, 0x66, 0x76);

/// The chart of `points`, `width` pixels wide, as SVG text.
pub fn cost_svg(points: &[CostPoint], width: u32) -> String {
    let w = width as i32;
    let label_w = 118;
    let value_w = 74;
    let bar_w = (w - label_w - value_w).max(40);
    let max = points
        .iter()
        .map(|p| p.monthly_cost)
        .fold(0.0f64, f64::max)
        .max(0.01);
    // The legend names only the kinds of bar drawn.
    let legend: Vec<(RGBColor, &str)> = [
        (CANDIDATE, "fits: a candidate", true, true),
        (FITS, "fits, but dearer than the candidates", true, false),
        (
            REJECTED,
            "the most instances tried; does not fit",
            false,
            false,
        ),
    ]
    .into_iter()
    .filter(|(_, _, fits, candidate)| {
        points
            .iter()
            .any(|p| p.fits == *fits && (!p.fits || p.candidate == *candidate))
    })
    .map(|(colour, words, _, _)| (colour, words))
    .collect();
    let legend_top = 8 + points.len() as i32 * ROW + 8;
    let h = legend_top + legend.len() as i32 * 18;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, h as u32)).into_drawing_area();
        let text = |s: String, x: i32, y: i32| {
            Text::new(s, (x, y), ("sans-serif", 12).into_font().color(&INK))
        };
        for (i, p) in points.iter().enumerate() {
            let y = 8 + i as i32 * ROW;
            let colour = match (p.fits, p.candidate) {
                (true, true) => CANDIDATE,
                (true, false) => FITS,
                (false, _) => REJECTED,
            };
            let len = ((bar_w as f64) * p.monthly_cost / max).round().max(1.0) as i32;
            let _ = root.draw(&text(
                format!("{} × {}", p.count, p.instance_type),
                0,
                y + 2,
            ));
            let _ = root.draw(&Rectangle::new(
                [(label_w, y), (label_w + len, y + 14)],
                colour.filled(),
            ));
            let mark = if p.fits { "✓" } else { "✗" };
            let _ = root.draw(&text(
                format!("${:.2} {mark}", p.monthly_cost),
                label_w + len + 6,
                y + 2,
            ));
        }
        for (i, (colour, words)) in legend.into_iter().enumerate() {
            let y = legend_top + i as i32 * 18;
            let _ = root.draw(&Rectangle::new([(0, y), (12, y + 12)], colour.filled()));
            let _ = root.draw(&text(words.to_string(), 18, y));
        }
        let _ = root.present();
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::tests::assert_labels_fit;

    fn point(t: &str, count: u32, cost: f64, fits: bool, candidate: bool) -> CostPoint {
        CostPoint {
            instance_type: t.into(),
            count,
            monthly_cost: cost,
            fits,
            candidate,
        }
    }

    #[test]
    fn every_type_and_cost_reads_whole_at_a_phones_width() {
        let points = [
            point("t3a.nano", 3, 10.29, false, false),
            point("t2.nano", 3, 12.70, true, true),
            point("m5.24xlarge", 10, 33_638.40, false, false),
        ];
        for width in [300, 330, 720] {
            let svg = cost_svg(&points, width);
            assert_labels_fit(
                &svg,
                &["3 × t3a.nano", "3 × t2.nano", "$12.70 ✓", "$10.29 ✗"],
                width,
            );
            // The kinds of bar drawn, in their colours, and only their legend.
            for colour in ["#2DA44E", "#E58A8A"] {
                assert!(svg.to_uppercase().contains(colour), "{width}: {colour}");
            }
            assert!(svg.contains("fits: a candidate"));
            assert!(!svg.contains("dearer than the candidates"), "{width}");
        }
    }
}
