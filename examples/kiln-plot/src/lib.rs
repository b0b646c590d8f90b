//! One line chart written twice with `plotters`: an SVG and a PNG, each
//! with title, axis labels and legend.
//!
//! Text needs a TrueType font at run time (plotters' `ab_glyph` feature:
//! pure Rust, no fontconfig): `KILN_PLOT_FONT=/path/to/font.ttf`, else
//! DejaVu Sans or Liberation Sans where Linux distributions install them.
//! Without one, both pictures are drawn without text and a note says so.
//!
//! ```
//! use kiln_plot::{write, Chart, Series};
//! let stem = std::env::temp_dir().join("kiln_plot_doc/loss");
//! let series = [Series { name: "loss".into(), points: vec![(0.0, 2.3), (1.0, 0.4)] }];
//! let chart = Chart { title: "Training", x_desc: "epoch", y_desc: "loss", series: &series, y_max: None };
//! let (svg, png) = write(&stem, &chart).unwrap();
//! assert!(svg.exists() && png.exists());
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where a sans-serif TrueType font usually is.
const FONT_PATHS: [&str; 4] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
];

/// Registers a font as plotters' "sans-serif" once; whether one was found.
fn font_available() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let candidates = std::env::var("KILN_PLOT_FONT").into_iter().chain(FONT_PATHS.map(String::from));
        for path in candidates {
            if let Ok(bytes) = std::fs::read(&path) {
                // plotters keeps the font for the whole run, hence 'static.
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return true;
                }
            }
        }
        eprintln!(
            "note: no TrueType font found (set KILN_PLOT_FONT=/path/to/font.ttf); drawing the plots without text"
        );
        false
    })
}

/// A named curve of `(x, y)` points.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The points, in x order.
    pub points: Vec<(f64, f64)>,
}

/// What the chart says around its curves.
pub struct Chart<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// The x axis' description.
    pub x_desc: &'a str,
    /// The y axis' description.
    pub y_desc: &'a str,
    /// The curves.
    pub series: &'a [Series],
    /// The top of the y axis, if the data should not set it: points above
    /// are drawn at the top edge.
    pub y_max: Option<f64>,
}

/// Any plotting failure, as text.
pub type PlotResult<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Writes `stem.svg` and `stem.png` (creating the folder) and returns
/// both paths.
pub fn write(stem: &Path, chart: &Chart) -> PlotResult<(PathBuf, PathBuf)> {
    if let Some(dir) = stem.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let svg = stem.with_extension("svg");
    let png = stem.with_extension("png");
    let text = font_available();
    draw(
        SVGBackend::new(&svg, (960, 600)).into_drawing_area(),
        chart,
        text,
    )?;
    draw(
        BitMapBackend::new(&png, (960, 600)).into_drawing_area(),
        chart,
        text,
    )?;
    Ok((svg, png))
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &Chart,
    text: bool,
) -> PlotResult<()> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let points = chart.series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    let cap = chart.y_max.unwrap_or(f64::INFINITY);
    for &(x, y) in points.filter(|(x, y)| x.is_finite() && y.is_finite()) {
        let y = y.min(cap);
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x0 > x1 {
        return Err("nothing to plot".into());
    }
    let pad = ((y1 - y0) * 0.05).max(1e-12);
    let mut builder = ChartBuilder::on(&root);
    builder.margin(16);
    if text {
        builder
            .caption(chart.title, ("sans-serif", 24))
            .x_label_area_size(40)
            .y_label_area_size(70);
    }
    let mut ctx = builder
        .build_cartesian_2d(x0..x1.max(x0 + 1e-12), (y0 - pad)..(y1 + pad))
        .map_err(err)?;
    let mut mesh = ctx.configure_mesh();
    let tick = |x: &f64| {
        if (x - x.round()).abs() < 1e-9 {
            format!("{x:.0}")
        } else {
            format!("{x:.2}")
        }
    };
    if text {
        mesh.x_desc(chart.x_desc)
            .y_desc(chart.y_desc)
            .x_label_formatter(&tick);
    }
    mesh.light_line_style(WHITE).draw().map_err(err)?;
    for (i, s) in chart.series.iter().enumerate() {
        let color = Palette99::pick(i).stroke_width(2);
        let drawn = ctx
            .draw_series(LineSeries::new(
                s.points.iter().map(|&(x, y)| (x, y.min(cap))),
                color,
            ))
            .map_err(err)?;
        if text {
            drawn
                .label(s.name.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color));
        }
    }
    if text {
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
