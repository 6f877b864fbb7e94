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
