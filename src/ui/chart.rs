//! A `core::charts::Chart` drawn in the window with egui_plot: stacked bars or lines,
//! the months along the bottom, the figures on hover, and a click on a bar told to the
//! screen (which opens the entries behind it). The same value prints on paper.

use egui::{Color32, Pos2, Rect};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoint, PlotPoints};

use crate::core::charts::{Chart, ChartKind, ChartUnit, PALETTE};

/// A bar segment as drawn this frame: where it is on screen, and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarHit {
    pub rect: Rect,
    /// The series' key (a category group's id, a reason's, a plan's).
    pub key: i64,
    /// The label's index: the month, 0 for January.
    pub label: usize,
}

/// What drawing a chart came to.
#[derive(Debug, Default)]
pub struct ChartOutput {
    /// The bar clicked this frame.
    pub clicked: Option<BarHit>,
    /// Every bar segment drawn (for tests, which click them).
    pub bars: Vec<BarHit>,
}

fn colour(index: usize) -> Color32 {
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    Color32::from_rgb(r, g, b)
}

/// A value as plotted: money in 元, counts as they are.
fn plotted(chart: &Chart, value: i64) -> f64 {
    match chart.unit {
        ChartUnit::Money => value as f64 / 100.0,
        ChartUnit::Count => value as f64,
    }
}

/// Draws `chart` `height` points tall; an empty chart is said in words instead.
pub fn chart_ui(ui: &mut egui::Ui, id: &str, chart: &Chart, height: f32) -> ChartOutput {
    ui.label(egui::RichText::new(format!("{}（{}）", chart.caption, chart.unit_text())).strong());
    if chart.is_empty() {
        ui.weak("本年还没有数据");
        return ChartOutput::default();
    }
    let labels = chart.labels.clone();
    let label_count = labels.len();
    let unit = chart.unit;
    let scale = chart.scale();
    let plot = Plot::new(id)
        .height(height)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .include_y(plotted(chart, scale.low))
        .include_y(plotted(chart, scale.high))
        .include_x(-0.6)
        .include_x(labels.len() as f64 - 0.4)
        // Every month named, also when the chart is half the window wide.
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x().label_spacing(24.0..=40.0),
        ])
        // A mark under every month, none between.
        .x_grid_spacer(move |_| {
            (0..label_count)
                .map(|index| egui_plot::GridMark {
                    value: index as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let index = mark.value.round();
            if (mark.value - index).abs() < 1e-6 && index >= 0.0 {
                labels.get(index as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_axis_formatter(move |mark, _| match unit {
            ChartUnit::Money => crate::core::money::format_fen((mark.value * 100.0).round() as i64)
                .trim_end_matches(".00")
                .to_string(),
            ChartUnit::Count => format!("{}", mark.value),
        })
        .label_formatter(|position| match position {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } => chart
                .series
                .iter()
                .position(|series| series.name == *plot_name)
                .and_then(|series| chart.describe(series, *index)),
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        });
    let response = plot.show(ui, |plot_ui| match chart.kind {
        ChartKind::StackedBars => {
            let mut drawn: Vec<BarChart> = Vec::new();
            for (index, series) in chart.series.iter().enumerate() {
                let texts: Vec<String> = (0..chart.labels.len())
                    .map(|label| chart.describe(index, label).unwrap_or_default())
                    .collect();
                let bars = series
                    .values
                    .iter()
                    .enumerate()
                    .map(|(label, value)| {
                        Bar::new(label as f64, plotted(chart, *value))
                            .width(0.6)
                            .fill(colour(index))
                    })
                    .collect();
                let below: Vec<&BarChart> = drawn.iter().collect();
                let bars = BarChart::new(series.name.clone(), bars)
                    .color(colour(index))
                    .element_formatter(Box::new(move |bar, _| {
                        texts
                            .get(bar.argument.round() as usize)
                            .cloned()
                            .unwrap_or_default()
                    }))
                    .stack_on(&below);
                drawn.push(bars);
            }
            for bars in drawn {
                plot_ui.bar_chart(bars);
            }
        }
        ChartKind::Lines => {
            for (index, series) in chart.series.iter().enumerate() {
                let points: PlotPoints = series
                    .values
                    .iter()
                    .enumerate()
                    .map(|(label, value)| [label as f64, plotted(chart, *value)])
                    .collect();
                plot_ui.line(
                    Line::new(series.name.clone(), points)
                        .color(colour(index))
                        .width(2.0),
                );
            }
        }
    });
    response
        .response
        .clone()
        .on_hover_text(chart.caption.clone())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, chart.caption.clone()));
    let mut output = ChartOutput::default();
    if chart.kind != ChartKind::StackedBars {
        return output;
    }
    // Where each segment sits on screen, from the plot's transform.
    let transform = response.transform;
    let mut base = vec![0i64; chart.labels.len()];
    for series in &chart.series {
        for (label, value) in series.values.iter().enumerate() {
            let bottom = base[label];
            base[label] += value;
            if *value == 0 {
                continue;
            }
            let corner = |x: f64, y: i64| -> Pos2 {
                transform.position_from_point(&PlotPoint::new(x, plotted(chart, y)))
            };
            let rect = Rect::from_two_pos(
                corner(label as f64 - 0.3, bottom),
                corner(label as f64 + 0.3, bottom + value),
            );
            output.bars.push(BarHit {
                rect,
                key: series.key,
                label,
            });
        }
    }
    if response.response.clicked()
        && let Some(pointer) = response.response.interact_pointer_pos()
    {
        output.clicked = output
            .bars
            .iter()
            .find(|bar| bar.rect.contains(pointer))
            .copied();
    }
    output
}
