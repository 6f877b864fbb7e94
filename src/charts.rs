//! Charts drawn with plotters' SVG backend and inserted as SVG text. Every
//! label is escaped by the backend before it reaches the page.

use berth_core::view::UsageByService;
use plotters::prelude::*;

/// Service colours, matching `--svc-N` in style/main.css (light theme values;
/// the chart sits on a card whose background adapts).
const COLOURS: [RGBColor; 9] = [
    RGBColor(0x1f, 0x6f, 0xeb),
    RGBColor(0x2d, 0xa4, 0x4e),
    RGBColor(0xd9, 0x7a, 0x00),
    RGBColor(0x8e, 0x44, 0xad),
    RGBColor(0x00, 0x97, 0xa7),
    RGBColor(0xc2, 0x18, 0x5b),
    RGBColor(0x6d, 0x4c, 0x41),
    RGBColor(0x54, 0x6e, 0x7a),
    RGBColor(0x9e, 0x9e, 0x9e),
];

/// Horizontal bars of each service's reserved memory and CPU, as SVG text.
pub fn usage_svg(usage: &[UsageByService], total_memory: u64, total_cpu: u64) -> String {
    let row = 30i32;
    let width = 720i32;
    let height = (usage.len() as i32 * (row - 6) * 2 + 70).max(90);
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (width as u32, height as u32)).into_drawing_area();
        let text = |s: &str, x: i32, y: i32, size: i32| {
            Text::new(
                s.to_string(),
                (x, y),
                ("sans-serif", size)
                    .into_font()
                    .color(&RGBColor(0x5b, 0x66, 0x76)),
            )
        };
        let label_w = 150;
        let bar_w = width - label_w - 90;
        let mut y = 8;
        for (title, total, pick) in [
            ("Memory reserved (MiB)", total_memory, 0usize),
            ("CPU units reserved", total_cpu, 1usize),
        ] {
            let _ = root.draw(&text(title, 0, y, 15));
            y += 20;
            for u in usage {
                let value = if pick == 0 { u.memory } else { u.cpu };
                let frac = if total == 0 {
                    0.0
                } else {
                    value as f64 / total as f64
                };
                let w = ((bar_w as f64) * frac.min(1.0)).round() as i32;
                let colour = COLOURS[u.colour.min(COLOURS.len() - 1)];
                let _ = root.draw(&text(&u.label, 0, y + 2, 14));
                let _ = root.draw(&Rectangle::new(
                    [(label_w, y), (label_w + bar_w, y + 16)],
                    RGBColor(0xee, 0xf1, 0xf5).filled(),
                ));
                let _ = root.draw(&Rectangle::new(
                    [(label_w, y), (label_w + w.max(1), y + 16)],
                    colour.filled(),
                ));
                let _ = root.draw(&text(
                    &format!("{value} ({:.0} %)", frac * 100.0),
                    label_w + bar_w + 8,
                    y + 2,
                    14,
                ));
                y += row - 6;
            }
            y += 10;
        }
        let _ = root.present();
    }
    svg
}

/// A line of the timeline: which count, its colour, its label.
type Series = (fn(&TimelinePoint) -> u32, RGBColor, &'static str);

/// One deployment step on the timeline.
pub struct TimelinePoint {
    pub t: u32,
    pub old: u32,
    pub new: u32,
    pub healthy: u32,
}

/// Old, new and healthy task counts over simulated time, with the min and
/// max lines and a marker at the current step, as SVG text.
pub fn timeline_svg(
    points: &[TimelinePoint],
    min_healthy: u32,
    max_tasks: u32,
    current: usize,
) -> String {
    let (w, h) = (720i32, 220i32);
    let (left, right, top, bottom) = (40i32, w - 110, 12i32, h - 28);
    let t_max = points.iter().map(|p| p.t).max().unwrap_or(0).max(1) as f64;
    let y_max = points
        .iter()
        .map(|p| p.old + p.new)
        .max()
        .unwrap_or(0)
        .max(max_tasks)
        .max(1) as f64
        + 1.0;
    let x = |t: u32| left + ((t as f64 / t_max) * (right - left) as f64).round() as i32;
    let y = |v: u32| bottom - ((v as f64 / y_max) * (bottom - top) as f64).round() as i32;
    let grey = RGBColor(0x8a, 0x94, 0xa3);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w as u32, h as u32)).into_drawing_area();
        let text = |s: String, px: i32, py: i32| {
            Text::new(s, (px, py), ("sans-serif", 13).into_font().color(&grey))
        };
        let _ = root.draw(&PathElement::new(
            vec![(left, top), (left, bottom), (right, bottom)],
            grey.stroke_width(1),
        ));
        for v in [0, min_healthy, max_tasks] {
            let _ = root.draw(&text(v.to_string(), 8, y(v) - 7));
        }
        let _ = root.draw(&text("0 s".into(), left - 6, bottom + 8));
        let _ = root.draw(&text(format!("{} s", t_max as u32), right - 30, bottom + 8));
        let line = |v: u32, colour: RGBColor, label: &str| {
            vec![
                PathElement::new(vec![(left, y(v)), (right, y(v))], colour.stroke_width(1))
                    .into_dyn(),
                Text::new(
                    label.to_string(),
                    (right + 6, y(v) - 7),
                    ("sans-serif", 12).into_font().color(&colour),
                )
                .into_dyn(),
            ]
        };
        for e in line(min_healthy, RGBColor(0xc6, 0x28, 0x28), "min healthy")
            .into_iter()
            .chain(line(max_tasks, RGBColor(0xb2, 0x6a, 0x00), "max tasks"))
        {
            let _ = root.draw(&e);
        }
        // Counts change at each step: draw staircases.
        // Healthy first and widest, so old and new stay visible on top of it.
        let series: [Series; 3] = [
            (|p| p.healthy, COLOURS[1], "healthy"),
            (|p| p.old, COLOURS[7], "old"),
            (|p| p.new, COLOURS[0], "new"),
        ];
        for (k, (get, colour, label)) in series.iter().enumerate() {
            let mut path = Vec::new();
            for (i, p) in points.iter().enumerate() {
                if i > 0 {
                    path.push((x(p.t), y(get(&points[i - 1]))));
                }
                path.push((x(p.t), y(get(p))));
            }
            let _ = root.draw(&PathElement::new(
                path,
                colour.stroke_width(2 + (k == 2) as u32),
            ));
            let _ = root.draw(&Text::new(
                label.to_string(),
                (right + 6, top + 40 + k as i32 * 16),
                ("sans-serif", 12).into_font().color(colour),
            ));
        }
        if let Some(p) = points.get(current) {
            let _ = root.draw(&PathElement::new(
                vec![(x(p.t), top), (x(p.t), bottom)],
                RGBColor(0x1f, 0x6f, 0xeb).stroke_width(2),
            ));
        }
        let _ = root.present();
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_in_the_svg() {
        let usage = vec![UsageByService {
            label: "</svg><script>alert(1)</script>&".into(),
            colour: 0,
            memory: 10,
            cpu: 5,
        }];
        let svg = usage_svg(&usage, 100, 100);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;/svg&gt;&lt;script&gt;"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}
