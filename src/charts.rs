//! Charts drawn with plotters' SVG backend and inserted as SVG text. Every
//! label is escaped by the backend before it reaches the page.

use berth_core::app::view::UsageByService;
use leptos::prelude::Memo;
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

/// The width in CSS pixels a chart is drawn at on a page `viewport` pixels
/// wide: its card's (the page keeps about 60 px of padding around it), at most
/// the desktop card's 720 and at least 300. A chart drawn wider than its card
/// is scaled down with its labels, which on a phone left 6-pixel text.
pub fn drawing_width(viewport: f64) -> u32 {
    ((viewport - 60.0).round().max(0.0) as u32).clamp(300, 720)
}

/// The width charts are drawn at; the App owns it and follows the window.
#[derive(Clone, Copy)]
pub struct ChartWidth(pub Memo<u32>);

/// Horizontal bars of each service's reserved memory and CPU, `width` pixels
/// wide, as SVG text.
pub fn usage_svg(
    usage: &[UsageByService],
    total_memory: u64,
    total_cpu: u64,
    width: u32,
) -> String {
    let row = 30i32;
    let width = width as i32;
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
        let label_w = (width / 5).clamp(90, 150);
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
/// max lines and a marker at the current step, `width` pixels wide, as SVG
/// text.
pub fn timeline_svg(
    points: &[TimelinePoint],
    min_healthy: u32,
    max_tasks: u32,
    current: usize,
    width: u32,
) -> String {
    // The counts' legend is a row under the time axis: in the right-hand
    // column it collided with the label of the max line.
    let (w, h) = (width as i32, 244i32);
    let (left, right, top, bottom) = (40i32, w - 110, 12i32, h - 52);
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
            let key_x = left + k as i32 * 80;
            let key_y = bottom + 34;
            let _ = root.draw(&PathElement::new(
                vec![(key_x, key_y), (key_x + 14, key_y)],
                colour.stroke_width(3),
            ));
            let _ = root.draw(&Text::new(
                label.to_string(),
                (key_x + 18, key_y - 5),
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
        let svg = usage_svg(&usage, 100, 100, 720);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;/svg&gt;&lt;script&gt;"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn a_chart_is_drawn_as_wide_as_its_card_within_bounds() {
        assert_eq!(drawing_width(390.0), 330);
        assert_eq!(drawing_width(1280.0), 720);
        assert_eq!(drawing_width(320.0), 300);
        assert_eq!(drawing_width(0.0), 300);
    }

    /// Each text of the drawing: where it starts, its font size, its words.
    fn texts(svg: &str) -> Vec<(f64, f64, String)> {
        let number = |element: &str, name: &str| -> f64 {
            let value = element.split(&format!(" {name}=\"")).nth(1).unwrap();
            value[..value.find('"').unwrap()].parse().unwrap()
        };
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let words = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                (
                    number(t, "x"),
                    number(t, "font-size"),
                    words.trim().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn narrow_charts_keep_every_label_whole_inside_their_width() {
        let usage: Vec<UsageByService> = (0..3)
            .map(|i| UsageByService {
                label: format!("service-{i}"),
                colour: i,
                memory: 900,
                cpu: 2048,
            })
            .collect();
        let points: Vec<TimelinePoint> = (0..5)
            .map(|i| TimelinePoint {
                t: i * 30,
                old: 4 - i,
                new: i,
                healthy: 4,
            })
            .collect();
        let usage_labels = [
            "Memory reserved (MiB)",
            "service-2",
            "900 (90 %)",
            "2048 (100 %)",
        ];
        let timeline_labels = ["min healthy", "max tasks", "healthy", "old", "new", "120 s"];
        for width in [300, 330, 720] {
            for (svg, labels) in [
                (usage_svg(&usage, 1000, 2048, width), &usage_labels[..]),
                (timeline_svg(&points, 2, 8, 2, width), &timeline_labels[..]),
            ] {
                assert!(svg.contains(&format!("viewBox=\"0 0 {width} ")), "{svg}");
                let texts = texts(&svg);
                for label in labels {
                    assert!(
                        texts.iter().any(|t| t.2 == *label),
                        "{width}: no {label:?} in {texts:?}"
                    );
                }
                // A sans-serif character is at most about 0.6 em wide.
                for (x, size, words) in &texts {
                    let end = x + words.chars().count() as f64 * size * 0.6;
                    assert!(end <= width as f64, "{width}: {words:?} runs to {end}");
                }
            }
        }
    }
}
