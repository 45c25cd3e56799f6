//! Demo pictures for `agora seed`: a soft gradient backdrop in a palette picked by a seed, a soft shadow, and
//! one simple centred object, drawn with anti-aliased distance functions. No fonts or files are needed.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// The object drawn in the middle of a demo picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoShape {
    Round,
    Box,
    Bottle,
    Stripes,
    Ring,
}

impl DemoShape {
    pub const ALL: [DemoShape; 5] =
        [DemoShape::Round, DemoShape::Box, DemoShape::Bottle, DemoShape::Stripes, DemoShape::Ring];
}

/// Largest side drawn; larger requests are drawn at this size.
const MAX_SIDE: u32 = 4096;

/// Backdrop top, backdrop bottom, object, accent.
const PALETTES: [[[f32; 3]; 4]; 8] = [
    [[250., 236., 222.], [236., 205., 180.], [214., 96., 77.], [255., 214., 102.]],
    [[226., 240., 243.], [189., 220., 228.], [38., 84., 124.], [239., 71., 111.]],
    [[238., 242., 230.], [205., 220., 190.], [96., 128., 56.], [246., 189., 96.]],
    [[244., 234., 246.], [218., 200., 226.], [106., 76., 147.], [255., 202., 58.]],
    [[250., 244., 228.], [232., 214., 176.], [42., 157., 143.], [231., 111., 81.]],
    [[236., 236., 240.], [204., 206., 216.], [52., 58., 64.], [255., 183., 3.]],
    [[253., 240., 236.], [246., 210., 200.], [181., 101., 118.], [109., 104., 117.]],
    [[232., 244., 250.], [196., 224., 240.], [2., 136., 209.], [255., 255., 255.]],
];

/// A PNG picture, `side`×`side` pixels (clamped to 1..=4096), the same for the same arguments. Empty only if
/// PNG encoding into memory failed, which it does not for these pictures.
pub fn demo_image(seed: u64, shape: DemoShape, side: u32) -> Vec<u8> {
    let side = side.clamp(1, MAX_SIDE);
    let mut state = seed;
    let palette = PALETTES[(next(&mut state) % PALETTES.len() as u64) as usize];
    let tilt = unit(next(&mut state)) * 0.6 - 0.3;
    let size = 0.85 + unit(next(&mut state)) * 0.3;
    let scale = side as f32;
    let picture = RgbImage::from_fn(side, side, |x, y| {
        // Centred coordinates, one unit per picture side.
        let px = (x as f32 + 0.5) / scale - 0.5;
        let py = (y as f32 + 0.5) / scale - 0.5;
        let shade = (py + 0.5 + tilt * px).clamp(0.0, 1.0);
        let mut colour = mix(palette[0], palette[1], shade);
        let shadow = smooth(((px / 0.3).powi(2) + ((py - 0.33) / 0.05).powi(2)).sqrt(), 1.0, 0.2);
        colour = mix(colour, scaled(palette[1], 0.7), shadow * 0.5);
        let (cover, object) = object(shape, px / size, py / size, palette, scale * size);
        colour = mix(colour, object, cover);
        Rgb(colour.map(|channel| channel.clamp(0.0, 255.0).round() as u8))
    });
    let mut out = Cursor::new(Vec::new());
    match picture.write_to(&mut out, ImageFormat::Png) {
        Ok(()) => out.into_inner(),
        Err(err) => {
            tracing::error!(error = %err, "encoding a demo picture failed");
            Vec::new()
        }
    }
}

/// How much of the pixel the object covers, and its colour there (lit from the top left).
fn object(shape: DemoShape, px: f32, py: f32, palette: [[f32; 3]; 4], px_per_unit: f32) -> (f32, [f32; 3]) {
    let [_, _, body, accent] = palette;
    let cover = |distance: f32| (0.5 - distance * px_per_unit).clamp(0.0, 1.0);
    let light = 1.15 - 0.6 * (px + py + 0.4).clamp(0.0, 1.0);
    let lit = scaled(body, light);
    match shape {
        DemoShape::Round => {
            let glint = cover(circle(px + 0.09, py + 0.09, 0.05));
            (cover(circle(px, py, 0.27)), mix(lit, [255.0; 3], glint * 0.7))
        }
        DemoShape::Box => {
            let ribbon = cover(px.abs() - 0.035).max(cover(py.abs() - 0.035));
            (cover(rounded_box(px, py, 0.26, 0.22, 0.03)), mix(lit, accent, ribbon))
        }
        DemoShape::Bottle => {
            let body_d = rounded_box(px, py - 0.1, 0.14, 0.22, 0.06);
            let neck_d = rounded_box(px, py + 0.17, 0.05, 0.1, 0.02);
            let cap = cover(rounded_box(px, py + 0.27, 0.06, 0.035, 0.01));
            let label = cover(rounded_box(px, py - 0.12, 0.14, 0.07, 0.0));
            let colour = mix(mix(lit, scaled(accent, light), label), scaled(accent, 0.6), cap);
            (cover(body_d.min(neck_d)).max(cap), colour)
        }
        DemoShape::Stripes => {
            // Diagonal bands, seven per unit; the distance to a band's edge keeps its edges smooth.
            let band = ((px + py) * 7.0).rem_euclid(1.0);
            let stripe = cover(((band - 0.5).abs() - 0.25) / (7.0 * std::f32::consts::SQRT_2));
            (cover(rounded_box(px, py, 0.24, 0.28, 0.05)), mix(lit, scaled(accent, light), stripe))
        }
        DemoShape::Ring => {
            let ring = (circle(px, py, 0.22)).abs() - 0.06;
            let gem = cover(circle(px, py + 0.28, 0.05));
            (cover(ring).max(gem), mix(lit, accent, gem))
        }
    }
}

/// Signed distance to a circle of radius `r` at the origin.
fn circle(px: f32, py: f32, r: f32) -> f32 {
    px.hypot(py) - r
}

/// Signed distance to a box of half-sides `hw`×`hh` with corners rounded by `r`, at the origin.
fn rounded_box(px: f32, py: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let qx = px.abs() - hw + r;
    let qy = py.abs() - hh + r;
    qx.max(0.0).hypot(qy.max(0.0)) + qx.max(qy).min(0.0) - r
}

/// 1 at or below `inner`, 0 at or beyond `outer`, smooth between.
fn smooth(value: f32, outer: f32, inner: f32) -> f32 {
    let t = ((value - inner) / (outer - inner)).clamp(0.0, 1.0);
    1.0 - t * t * (3.0 - 2.0 * t)
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn scaled(colour: [f32; 3], factor: f32) -> [f32; 3] {
    colour.map(|channel| channel * factor)
}

/// SplitMix64: a well-mixed sequence from any seed, so neighbouring seeds look unrelated.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in [0, 1) from random bits.
fn unit(bits: u64) -> f32 {
    (bits >> 40) as f32 / (1u64 << 24) as f32
}
