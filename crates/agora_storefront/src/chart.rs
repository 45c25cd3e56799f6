//! The seller overview's chart of the last 30 days — revenue as bars, paid orders as a line — laid out here
//! from the numbers and drawn as inline SVG by `templates/seller/chart.html` (no script, no chart library;
//! the template engine escapes every text). Coordinates are integer tenths of a view-box unit, so money is
//! scaled without floating point.

use std::fmt;

use time::Date;
use time::macros::format_description;

use crate::price::format_major;

/// The view box: 720 × 280 units, the plot inside these margins.
const WIDTH: i64 = 720;
const HEIGHT: i64 = 280;
const LEFT: i64 = 64;
const RIGHT: i64 = 44;
const TOP: i64 = 16;
const BOTTOM: i64 = 36;

/// A coordinate or length in tenths of a view-box unit, printed as a decimal ("12.3").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coord(i64);

impl Coord {
    fn units(units: i64) -> Coord {
        Coord(units * 10)
    }
}

impl fmt::Display for Coord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        match abs % 10 {
            0 => write!(f, "{sign}{}", abs / 10),
            tenth => write!(f, "{sign}{}.{tenth}", abs / 10),
        }
    }
}

/// One day's figures.
#[derive(Debug, Clone)]
pub struct Day<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub revenue_minor: i64,
    /// The revenue as order prints it ("12.50 EUR").
    pub revenue: &'a str,
    pub orders: i64,
}

/// A day's column: its revenue bar, a full-height area that shows its title on hover, and the title.
#[derive(Debug, Clone)]
pub struct Column {
    pub x: Coord,
    pub slot_x: Coord,
    pub slot_width: Coord,
    pub bar_y: Coord,
    pub bar_width: Coord,
    pub bar_height: Coord,
    /// The order line's point for this day.
    pub dot_x: Coord,
    pub dot_y: Coord,
    pub title: String,
}

/// A labelled value on an axis, at `y` (or `x` for days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub at: Coord,
    pub label: String,
}

/// Everything the template draws.
#[derive(Debug, Clone)]
pub struct Chart {
    pub width: i64,
    pub height: i64,
    /// What the chart shows, for screen readers (`aria-label`).
    pub label: String,
    pub columns: Vec<Column>,
    /// The order line, as an SVG `points` list.
    pub order_line: String,
    pub revenue_ticks: Vec<Tick>,
    pub order_ticks: Vec<Tick>,
    pub day_ticks: Vec<Tick>,
    pub plot_left: Coord,
    pub plot_right: Coord,
    pub plot_top: Coord,
    pub plot_bottom: Coord,
    /// The revenue axis's title.
    pub revenue_title: String,
}

impl Chart {
    /// Lays out `days` (oldest first); `currency` names the revenue axis.
    pub fn daily(days: &[Day<'_>], currency: &str) -> Chart {
        let (left, right) = (Coord::units(LEFT), Coord::units(WIDTH - RIGHT));
        let (top, bottom) = (Coord::units(TOP), Coord::units(HEIGHT - BOTTOM));
        let plot_height = bottom.0 - top.0;
        let revenue_max = nice_ceiling(days.iter().map(|d| d.revenue_minor.max(0)).max().unwrap_or(0));
        let orders_max = nice_ceiling(days.iter().map(|d| d.orders.max(0)).max().unwrap_or(0));
        let slot = if days.is_empty() { 0 } else { (right.0 - left.0) / i64::try_from(days.len()).unwrap_or(1) };
        let bar_width = slot * 7 / 10;
        let scaled = |value: i64, max: i64| -> i64 {
            if max == 0 {
                0
            } else {
                i64::try_from(i128::from(value.max(0)) * i128::from(plot_height) / i128::from(max))
                    .unwrap_or(plot_height)
            }
        };
        let mut columns = Vec::with_capacity(days.len());
        for (i, day) in days.iter().enumerate() {
            let slot_x = left.0 + slot * i64::try_from(i).unwrap_or(0);
            let height = scaled(day.revenue_minor, revenue_max);
            let orders = match day.orders {
                1 => "1 order".to_owned(),
                n => format!("{n} orders"),
            };
            columns.push(Column {
                x: Coord(slot_x + (slot - bar_width) / 2),
                slot_x: Coord(slot_x),
                slot_width: Coord(slot),
                bar_y: Coord(bottom.0 - height),
                bar_width: Coord(bar_width),
                bar_height: Coord(height),
                dot_x: Coord(slot_x + slot / 2),
                dot_y: Coord(bottom.0 - scaled(day.orders, orders_max)),
                title: format!("{}: {} from {orders}", long_date(day.date), day.revenue),
            });
        }
        let order_line = columns.iter().map(|c| format!("{},{}", c.dot_x, c.dot_y)).collect::<Vec<_>>().join(" ");
        let axis = |max: i64, label: &dyn Fn(i64) -> String| -> Vec<Tick> {
            let mut values = vec![0];
            if max > 0 && max % 2 == 0 {
                values.push(max / 2);
            }
            if max > 0 {
                values.push(max);
            }
            values.into_iter().map(|v| Tick { at: Coord(bottom.0 - scaled(v, max)), label: label(v) }).collect()
        };
        let day_ticks = columns
            .iter()
            .zip(days)
            .enumerate()
            .filter(|(i, _)| (days.len() - 1 - i).is_multiple_of(7))
            .map(|(_, (column, day))| Tick { at: column.dot_x, label: short_date(day.date) })
            .collect();
        Chart {
            width: WIDTH,
            height: HEIGHT,
            label: summary(days, currency),
            order_line,
            revenue_ticks: axis(revenue_max, &|minor| format_major(minor).trim_end_matches(".00").to_owned()),
            order_ticks: axis(orders_max, &|n| n.to_string()),
            day_ticks,
            columns,
            plot_left: left,
            plot_right: right,
            plot_top: top,
            plot_bottom: bottom,
            revenue_title: format!("Revenue ({currency})"),
        }
    }

    pub fn plot_height(&self) -> Coord {
        Coord(self.plot_bottom.0 - self.plot_top.0)
    }

    /// Where the tick labels sit.
    pub fn revenue_label_x(&self) -> Coord {
        Coord(self.plot_left.0 - 60)
    }

    pub fn order_label_x(&self) -> Coord {
        Coord(self.plot_right.0 + 60)
    }

    pub fn day_label_y(&self) -> Coord {
        Coord(self.plot_bottom.0 + 180)
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `value` (0 for nothing).
fn nice_ceiling(value: i64) -> i64 {
    if value <= 0 {
        return 0;
    }
    let mut power: i64 = 1;
    while power.saturating_mul(10) <= value {
        power *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| power.saturating_mul(m)).find(|&nice| nice >= value).unwrap_or(value)
}

/// The whole chart in a sentence.
fn summary(days: &[Day<'_>], currency: &str) -> String {
    let orders: i64 = days.iter().map(|d| d.orders).sum();
    let revenue: i64 = days.iter().map(|d| d.revenue_minor).sum();
    let mut text = format!(
        "Revenue (bars) and paid orders (line) per day over the last {} days: {} {currency} from {orders} order{} in all",
        days.len(),
        format_major(revenue),
        if orders == 1 { "" } else { "s" },
    );
    if let Some(best) = days.iter().filter(|d| d.revenue_minor > 0).max_by_key(|d| d.revenue_minor) {
        text.push_str(&format!("; the best day was {} with {}", long_date(best.date), best.revenue));
    }
    text.push('.');
    text
}

fn parse_date(date: &str) -> Option<Date> {
    Date::parse(date, format_description!("[year]-[month]-[day]")).ok()
}

/// "3 Mar"
fn short_date(date: &str) -> String {
    parse_date(date)
        .and_then(|d| d.format(format_description!("[day padding:none] [month repr:short]")).ok())
        .unwrap_or_else(|| date.to_owned())
}

/// "3 Mar 2026"
fn long_date(date: &str) -> String {
    parse_date(date)
        .and_then(|d| d.format(format_description!("[day padding:none] [month repr:short] [year]")).ok())
        .unwrap_or_else(|| date.to_owned())
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use super::*;

    fn days(revenues: &[(i64, i64)]) -> Vec<(String, i64, String, i64)> {
        revenues
            .iter()
            .enumerate()
            .map(|(i, (minor, orders))| {
                (format!("2026-03-{:02}", i + 1), *minor, format!("{} EUR", format_major(*minor)), *orders)
            })
            .collect()
    }

    fn chart(figures: &[(i64, i64)]) -> Chart {
        let owned = days(figures);
        let input: Vec<Day<'_>> = owned
            .iter()
            .map(|(date, minor, text, orders)| Day { date, revenue_minor: *minor, revenue: text, orders: *orders })
            .collect();
        Chart::daily(&input, "EUR")
    }

    #[derive(Template)]
    #[template(path = "seller/chart.html")]
    struct ChartOnly {
        chart: Chart,
    }

    #[test]
    fn axes_end_at_a_round_number_above_the_largest_value() {
        assert_eq!([0, 1, 3, 7, 10, 11, 1250, 2000, 2001].map(nice_ceiling), [0, 1, 5, 10, 10, 20, 2000, 2000, 5000]);
    }

    #[test]
    fn the_best_day_fills_the_plot_and_others_scale_to_it() {
        let chart = chart(&[(1000, 1), (0, 0), (500, 2)]);
        let plot = chart.plot_bottom.0 - chart.plot_top.0;
        assert_eq!(chart.columns[0].bar_height.0, plot, "1000 of a 1000 scale");
        assert_eq!(chart.columns[2].bar_height.0, plot / 2);
        assert_eq!(chart.columns[0].bar_y, chart.plot_top);
        assert_eq!(chart.columns[2].dot_y, chart.plot_top, "2 orders top the order scale");
        assert_eq!(chart.revenue_ticks.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["0", "5", "10"]);
        assert!(chart.columns[0].title.starts_with("1 Mar 2026: 10.00 EUR from 1 order"), "{}", chart.columns[0].title);
        assert!(chart.label.contains("15.00 EUR from 3 orders") && chart.label.contains("best day was 1 Mar 2026"));
    }

    #[test]
    fn a_day_without_sales_has_no_bar_but_keeps_its_column_and_title() {
        let chart = chart(&[(1000, 1), (0, 0)]);
        let quiet = &chart.columns[1];
        assert_eq!(quiet.bar_height, Coord(0));
        assert_eq!(quiet.bar_y, chart.plot_bottom);
        assert_eq!(quiet.dot_y, chart.plot_bottom);
        assert!(quiet.slot_width.0 > 0 && quiet.title.ends_with("0.00 EUR from 0 orders"));
    }

    #[test]
    fn thirty_days_of_nothing_draw_flat_without_dividing_by_zero() {
        let chart = chart(&[(0, 0); 30]);
        assert_eq!(chart.columns.len(), 30);
        assert!(chart.columns.iter().all(|c| c.bar_height == Coord(0) && c.dot_y == chart.plot_bottom));
        assert_eq!(chart.revenue_ticks, [Tick { at: chart.plot_bottom, label: "0".into() }]);
        assert_eq!(chart.day_ticks.len(), 5, "every seventh day, today included");
        assert_eq!(chart.day_ticks.last().map(|t| t.label.as_str()), Some("30 Mar"));
        assert!(chart.label.contains("0.00 EUR from 0 orders") && !chart.label.contains("best day"));
        let empty = Chart::daily(&[], "EUR");
        assert!(empty.columns.is_empty() && empty.order_line.is_empty());
    }

    #[test]
    fn columns_stay_inside_the_plot() {
        let chart = chart(&[(7, 3); 30]);
        let last = chart.columns.last().unwrap();
        assert!(chart.columns[0].slot_x >= chart.plot_left);
        assert!(Coord(last.slot_x.0 + last.slot_width.0) <= chart.plot_right);
        assert!(chart.columns.iter().all(|c| c.bar_y >= chart.plot_top));
    }

    #[test]
    fn coordinates_print_as_decimals() {
        assert_eq!([Coord(0), Coord(125), Coord(120), Coord(-5)].map(|c| c.to_string()), ["0", "12.5", "12", "-0.5"]);
    }

    #[test]
    fn the_svg_is_an_image_with_a_label_and_a_title_per_day() {
        let svg = ChartOnly { chart: chart(&[(1250, 1), (0, 0), (300, 2)]) }.render().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("aria-label=\"Revenue (bars)"));
        assert_eq!(svg.matches("<title>").count(), 3, "{svg}");
        assert!(svg.contains("<title>3 Mar 2026: 3.00 EUR from 2 orders</title>"), "{svg}");
        assert!(svg.contains("<polyline") && svg.contains("Revenue (EUR)"));
    }
}
