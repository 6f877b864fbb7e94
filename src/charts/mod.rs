//! Charts drawn with plotters' SVG backend and inserted as SVG text. Every
//! label is escaped by the backend before it reaches the page. This file
//! draws the usage bars; `deployment` the deployment chart; `right_size`
//! the cost of each instance type right-sizing tried.

mod deployment;
mod right_size;

pub use deployment::deployment_svg;
pub use right_size::cost_svg;

use berth_core::app::view::UsageByService;
use leptos::prelude::Memo;
use plotters::prelude::*;

/// Service colours, matching `--svc-N` in style/main.css (light theme values;
/// the chart sits on a card whose background adapts).
pub(crate) const COLOURS: [RGBColor; 9] = [
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

#[cfg(test)]
pub(crate) mod tests {
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
        let usage_labels = [
            "Memory reserved (MiB)",
            "service-2",
            "900 (90 %)",
            "2048 (100 %)",
        ];
        for width in [300, 330, 720] {
            let svg = usage_svg(&usage, 1000, 2048, width);
            assert_labels_fit(&svg, &usage_labels, width);
        }
    }

    /// `svg` is `width` wide, holds every one of `labels` whole, and no
    /// text runs past its right edge.
    pub(crate) fn assert_labels_fit(svg: &str, labels: &[&str], width: u32) {
        assert!(svg.contains(&format!("viewBox=\"0 0 {width} ")), "{svg}");
        let texts = texts(svg);
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
