//! The deployment chart, for a class: the service's tasks stacked by state
//! against time (healthy at the bottom, so the stack's base reads against
//! the minimum-healthy line; draining on top, past the maximum line, as they
//! no longer count toward it), the limits in tasks and percent, shaded
//! moments below minimum healthy or with none healthy, marked events, and
//! the current step as a black cursor. Drawn from the core's
//! [`Timeline`]; nothing here counts tasks.

use berth_core::simulate::{Counts, Span, Timeline};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// One layer of the stack: its words, its colour, and its height in a span.
struct Layer {
    label: &'static str,
    colour: RGBColor,
    height: fn(&Span) -> u32,
}

/// Running but not yet healthy.
fn starting(c: &Counts) -> u32 {
    c.running - c.healthy
}

/// The stack, bottom to top. Old tasks are greys, new ones blues, the
/// darker the further along; draining tasks are orange (old) and red (new).
const LAYERS: [Layer; 8] = [
    Layer {
        label: "old healthy",
        colour: RGBColor(0x54, 0x6e, 0x7a),
        height: |s| s.old.healthy,
    },
    Layer {
        label: "new healthy",
        colour: RGBColor(0x1f, 0x6f, 0xeb),
        height: |s| s.new.healthy,
    },
    Layer {
        label: "old running",
        colour: RGBColor(0x9a, 0xa9, 0xb1),
        height: |s| starting(&s.old),
    },
    Layer {
        label: "new running",
        colour: RGBColor(0x7f, 0xaa, 0xf2),
        height: |s| starting(&s.new),
    },
    Layer {
        label: "old pending",
        colour: RGBColor(0xd3, 0xda, 0xde),
        height: |s| s.old.pending,
    },
    Layer {
        label: "new pending",
        colour: RGBColor(0xc5, 0xda, 0xfb),
        height: |s| s.new.pending,
    },
    Layer {
        label: "old draining",
        colour: RGBColor(0xf2, 0xa6, 0x5a),
        height: |s| s.old.draining,
    },
    Layer {
        label: "new draining",
        colour: RGBColor(0xe5, 0x73, 0x73),
        height: |s| s.new.draining,
    },
];

const RED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
const AMBER: RGBColor = RGBColor(0xb2, 0x6a, 0x00);
const GREY: RGBColor = RGBColor(0x5b, 0x66, 0x76);
const MARK: RGBColor = RGBColor(0x6a, 0x1b, 0x9a);
const CURSOR: RGBColor = RGBColor(0x11, 0x11, 0x11);
/// The tints of moments below minimum healthy and with none healthy.
const BELOW_MIN: RGBColor = RGBColor(0xf0, 0x9a, 0x9a);
const NONE_HEALTHY: RGBColor = RGBColor(0xc6, 0x28, 0x28);
const STALLED: RGBColor = RGBColor(0xd0, 0xd4, 0xda);
/// Plot height in pixels, between the marks' labels and the time axis.
const PLOT_HEIGHT: i32 = 170;
const ROW: i32 = 13;

/// Rows for the marks' labels, so that labels close in time do not
/// overlap: each label takes the first row whose last label ends before it.
fn label_rows(xs: &[(i32, usize)]) -> (Vec<i32>, i32) {
    let mut ends: Vec<i32> = Vec::new();
    let mut rows = Vec::new();
    for &(x, chars) in xs {
        let width = (chars as f64 * 11.0 * 0.6).ceil() as i32 + 6;
        let row = ends.iter().position(|end| *end < x).unwrap_or(ends.len());
        if row == ends.len() {
            ends.push(0);
        }
        ends[row] = x + width;
        rows.push(row as i32);
    }
    (rows, ends.len() as i32)
}

/// The legend's entries: (swatch colour, words), flowed into rows that fit
/// `width`; returns each entry's position and the rows' total height.
fn legend_layout(entries: &[(RGBColor, String)], left: i32, width: i32) -> (Vec<(i32, i32)>, i32) {
    let (mut x, mut y) = (left, 0);
    let mut at = Vec::new();
    for (_, words) in entries {
        let w = 18 + (words.chars().count() as f64 * 12.0 * 0.6).ceil() as i32 + 12;
        if x + w > width && x > left {
            x = left;
            y += 18;
        }
        at.push((x, y));
        x += w;
    }
    (at, y + 18)
}

/// Where things go: the plot's edges in pixels and the scales.
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// Seconds at the right edge.
    end: f64,
    /// Tasks at the top edge.
    y_max: f64,
}

impl Plot {
    fn x(&self, t: u32) -> i32 {
        self.left + ((t as f64 / self.end) * (self.right - self.left) as f64).round() as i32
    }

    fn y(&self, v: u32) -> i32 {
        self.bottom - ((v as f64 / self.y_max) * PLOT_HEIGHT as f64).round() as i32
    }
}

type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn text(
    words: String,
    at: (i32, i32),
    size: i32,
    colour: &RGBColor,
) -> Text<'static, (i32, i32), String> {
    Text::new(words, at, ("sans-serif", size).into_font().color(colour))
}

/// A moment's tint: none healthy, else below minimum healthy, else none.
fn shade(chart: &Timeline, s: &Span) -> Option<RGBColor> {
    if chart.desired > 0 && s.healthy() == 0 {
        Some(NONE_HEALTHY)
    } else if s.healthy() < chart.min_healthy {
        Some(BELOW_MIN)
    } else {
        None
    }
}

/// The legend's entries: the layers drawn, then the tints and the stall.
fn legend_entries(chart: &Timeline, drawn: &[&Span], shown: &[&Layer]) -> Vec<(RGBColor, String)> {
    let mut legend: Vec<(RGBColor, String)> = shown
        .iter()
        .map(|l| (l.colour, l.label.to_string()))
        .collect();
    for (tint, words) in [
        (BELOW_MIN, "below min healthy"),
        (NONE_HEALTHY, "none healthy"),
    ] {
        if drawn.iter().any(|s| shade(chart, s) == Some(tint)) {
            legend.push((tint, words.into()));
        }
    }
    if chart.stalled_from.is_some() {
        legend.push((STALLED, "stalled".into()));
    }
    legend
}

/// The deployment chart of `chart` with the cursor at step `current`,
/// `width` pixels wide, as SVG text.
pub fn deployment_svg(chart: &Timeline, current: usize, width: u32) -> String {
    let w = width as i32;
    let mut plot = Plot {
        left: 34,
        right: w - 96,
        top: 0,
        bottom: 0,
        end: chart.end.max(1) as f64,
        y_max: chart.peak as f64 + 0.5,
    };
    let mut marks: Vec<(i32, String)> = chart
        .marks
        .iter()
        .map(|m| (plot.x(m.t), m.kind.label().to_string()))
        .collect();
    marks.sort_by_key(|m| m.0);
    let (mark_rows, rows) = label_rows(
        &marks
            .iter()
            .map(|(px, words)| (*px, words.chars().count()))
            .collect::<Vec<_>>(),
    );
    plot.top = 6 + rows * ROW;
    plot.bottom = plot.top + PLOT_HEIGHT;

    // Only what is drawn: a span of no width (a step at the same moment as
    // the next) shows on the cursor's counts, not on the chart.
    let drawn: Vec<&Span> = chart.spans.iter().filter(|s| s.to > s.from).collect();
    let shown: Vec<&Layer> = LAYERS
        .iter()
        .filter(|l| drawn.iter().any(|s| (l.height)(s) > 0))
        .collect();
    let legend = legend_entries(chart, &drawn, &shown);
    let (legend_at, legend_height) = legend_layout(&legend, plot.left, w);
    let legend_top = plot.bottom + 34;
    let h = legend_top + legend_height + 4;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, h as u32)).into_drawing_area();
        draw_stack(&root, &plot, chart, &drawn, &shown);
        draw_axes(&root, &plot, chart);
        draw_limits(&root, &plot, chart);
        for ((px, words), row) in marks.iter().zip(&mark_rows) {
            let _ = root.draw(&PathElement::new(
                vec![(*px, 4 + row * ROW + 11), (*px, plot.bottom)],
                MARK.stroke_width(1),
            ));
            let label_x = (*px + 3).min(w - (words.chars().count() as f64 * 6.6) as i32 - 2);
            let _ = root.draw(&text(words.clone(), (label_x, 4 + row * ROW), 11, &MARK));
        }
        // The cursor: the step on the board.
        if let Some(s) = chart.spans.get(current) {
            let (cx, bottom) = (plot.x(s.from), plot.bottom);
            let _ = root.draw(&PathElement::new(
                vec![(cx, plot.top), (cx, bottom)],
                CURSOR.stroke_width(2),
            ));
            let _ = root.draw(&Polygon::new(
                vec![
                    (cx, bottom + 2),
                    (cx - 6, bottom + 11),
                    (cx + 6, bottom + 11),
                ],
                CURSOR.filled(),
            ));
        }
        for ((colour, words), (lx, ly)) in legend.iter().zip(&legend_at) {
            let ly = legend_top + ly;
            let _ = root.draw(&Rectangle::new(
                [(*lx, ly + 2), (*lx + 14, ly + 14)],
                colour.filled(),
            ));
            let _ = root.draw(&text(words.clone(), (lx + 18, ly + 1), 12, &GREY));
        }
        let _ = root.present();
    }
    svg
}

/// The tints and the stall behind, the stack, and the band of tints over it.
fn draw_stack(root: &Root, plot: &Plot, chart: &Timeline, drawn: &[&Span], shown: &[&Layer]) {
    for s in drawn {
        if let Some(colour) = shade(chart, s) {
            let _ = root.draw(&Rectangle::new(
                [(plot.x(s.from), plot.top), (plot.x(s.to), plot.bottom)],
                colour.mix(0.25).filled(),
            ));
        }
    }
    if let Some(from) = chart.stalled_from {
        let _ = root.draw(&Rectangle::new(
            [(plot.x(from), plot.top), (plot.x(chart.end), plot.bottom)],
            STALLED.mix(0.6).filled(),
        ));
    }
    // Each block reaches a pixel into the next, so no seam of background
    // shows between moments.
    for s in drawn {
        let to = (plot.x(s.to) + 1).min(plot.right);
        let mut base = 0;
        for layer in shown {
            let n = (layer.height)(s);
            if n > 0 {
                let _ = root.draw(&Rectangle::new(
                    [(plot.x(s.from), plot.y(base + n)), (to, plot.y(base))],
                    layer.colour.filled(),
                ));
            }
            base += n;
        }
    }
    // The band along the top, which no layer of the stack hides.
    for s in drawn {
        if let Some(colour) = shade(chart, s) {
            let _ = root.draw(&Rectangle::new(
                [(plot.x(s.from), plot.top), (plot.x(s.to), plot.top + 7)],
                colour.filled(),
            ));
        }
    }
}

/// The axes, the task counts on the left and the seconds underneath.
fn draw_axes(root: &Root, plot: &Plot, chart: &Timeline) {
    let _ = root.draw(&PathElement::new(
        vec![
            (plot.left, plot.top),
            (plot.left, plot.bottom),
            (plot.right, plot.bottom),
        ],
        GREY.stroke_width(1),
    ));
    let mut ticks = vec![0, chart.desired];
    if chart.peak > chart.desired {
        ticks.push(chart.peak);
    }
    for v in ticks {
        let _ = root.draw(&text(v.to_string(), (6, plot.y(v) - 7), 12, &GREY));
    }
    // Under the cursor's marker.
    let under = plot.bottom + 14;
    let _ = root.draw(&text("0 s".into(), (plot.left - 6, under), 12, &GREY));
    let end_label = format!("{} s", chart.end);
    let _ = root.draw(&text(end_label, (plot.right - 34, under), 12, &GREY));
}

/// The minimum-healthy and maximum lines, labelled in tasks and percent in
/// the right-hand column.
fn draw_limits(root: &Root, plot: &Plot, chart: &Timeline) {
    let limits = [
        (
            chart.min_healthy,
            RED,
            "min healthy",
            format!("{} = {} %", chart.min_healthy, chart.min_percent),
        ),
        (
            chart.max_tasks,
            AMBER,
            "max running",
            format!("{} = {} %", chart.max_tasks, chart.max_percent),
        ),
    ];
    let (min_y, max_y) = (plot.y(chart.min_healthy), plot.y(chart.max_tasks));
    // Two labels of two lines each need 28 px between them.
    let min_label_y = if (min_y - max_y).abs() < 28 {
        max_y + 28
    } else {
        min_y
    };
    let label_x = plot.right + 6;
    for ((v, colour, title, count), label_y) in limits.into_iter().zip([min_label_y, max_y]) {
        let _ = root.draw(&DashedPathElement::new(
            vec![(plot.left, plot.y(v)), (plot.right, plot.y(v))],
            5,
            3,
            colour.stroke_width(2),
        ));
        let _ = root.draw(&text(title.into(), (label_x, label_y - 13), 12, &colour));
        let _ = root.draw(&text(count, (label_x, label_y + 1), 12, &colour));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::tests::assert_labels_fit;
    use berth_core::simulate::{Mark, MarkKind};

    fn counts(pending: u32, running: u32, healthy: u32, draining: u32) -> Counts {
        Counts {
            pending,
            running,
            healthy,
            draining,
        }
    }

    /// A rollback in miniature: new tasks fail and drain, the breaker trips.
    fn rollback() -> Timeline {
        let span = |from, to, step, new| Span {
            from,
            to,
            step,
            old: counts(0, 2, 2, 0),
            new,
        };
        Timeline {
            desired: 2,
            min_healthy: 2,
            min_percent: 100,
            max_tasks: 4,
            max_percent: 200,
            end: 180,
            spans: vec![
                span(0, 10, 0, counts(2, 0, 0, 0)),
                span(10, 50, 1, counts(0, 2, 0, 0)),
                span(50, 100, 2, counts(0, 0, 0, 2)),
                span(100, 100, 3, counts(0, 0, 0, 4)),
                span(100, 180, 4, counts(0, 0, 0, 0)),
            ],
            marks: vec![
                Mark {
                    t: 100,
                    kind: MarkKind::CircuitBreaker,
                    step: 3,
                },
                Mark {
                    t: 100,
                    kind: MarkKind::Rollback,
                    step: 3,
                },
            ],
            stalled_from: None,
            peak: 6,
        }
    }

    #[test]
    fn every_label_fits_a_phone_and_a_desktop() {
        let labels = [
            "min healthy",
            "2 = 100 %",
            "max running",
            "4 = 200 %",
            "circuit breaker",
            "rollback",
            "old healthy",
            "new pending",
            "new running",
            "new draining",
            "180 s",
        ];
        for width in [300, 330, 720] {
            assert_labels_fit(&deployment_svg(&rollback(), 3, width), &labels, width);
        }
    }

    #[test]
    fn marks_at_one_moment_get_a_row_each() {
        let (rows, n) = label_rows(&[(100, 15), (100, 8), (300, 7)]);
        assert_eq!((rows, n), (vec![0, 1, 0], 2));
    }

    #[test]
    fn the_legend_names_only_what_the_chart_draws() {
        let svg = deployment_svg(&rollback(), 0, 720);
        assert!(!svg.contains("old draining"), "no old task drains");
        assert!(!svg.contains("none healthy"));
        let mut zero = rollback();
        zero.spans[1].old = counts(0, 1, 1, 1);
        zero.spans[2].old = counts(0, 0, 0, 2);
        let svg = deployment_svg(&zero, 0, 720);
        assert!(svg.contains("none healthy") && svg.contains("below min healthy"));
        assert!(svg.contains("old draining"));
    }
}
