//! Uploads made by hand: ordinary pictures, and damaged or hostile ones.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// An opaque picture with some texture, encoded in `format`.
pub fn opaque(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let picture = RgbImage::from_fn(width, height, |x, y| Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8]));
    encode(DynamicImage::ImageRgb8(picture), format)
}

/// A PNG whose left half is see-through.
pub fn translucent_png(width: u32, height: u32) -> Vec<u8> {
    let picture = RgbaImage::from_fn(width, height, |x, _| Rgba([200, 40, 40, if x < width / 2 { 0 } else { 255 }]));
    encode(DynamicImage::ImageRgba8(picture), ImageFormat::Png)
}

pub fn encode(picture: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG with an APP1 Exif segment right after its start marker: an orientation tag (6 = turn 90° clockwise)
/// when given, and a trailing text that stands for a GPS position.
pub fn with_exif(jpeg: &[u8], orientation: Option<u16>) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    match orientation {
        Some(value) => {
            tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1]);
            tiff.extend_from_slice(&value.to_be_bytes());
            tiff.extend_from_slice(&[0, 0]);
        }
        None => tiff.extend_from_slice(&[0, 0]),
    }
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 52.5200N 13.4050E");
    let mut segment = b"Exif\x00\x00".to_vec();
    segment.extend_from_slice(&tiff);
    let length = u16::try_from(segment.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A valid 1×1 PNG whose header then claims `width`×`height`, with the header's checksum fixed to match.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = opaque(1, 1, ImageFormat::Png);
    assert_eq!(&png[12..16], b"IHDR");
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// CRC-32 as PNG chunks use it (bit by bit; these are a few bytes).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
