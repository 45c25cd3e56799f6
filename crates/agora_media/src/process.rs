//! Turning an upload into the stored versions: recognise it by its magic bytes, decode it within limits,
//! apply its EXIF orientation, shrink it, and encode it afresh. Nothing of the uploaded bytes survives
//! (EXIF, GPS, comments and colour profiles are all dropped). Runs on a blocking thread.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::error::MediaError;
use crate::key::Format;

/// Most memory one decode may take, whatever the picture's sides (a 16-bit RGBA 8000×8000 picture fits).
const DECODE_MEMORY_LIMIT_BYTES: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// The sizes a picture is checked against and shrunk to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub max_upload_bytes: usize,
    pub max_side_px: u32,
    pub display_side_px: u32,
    pub thumb_side_px: u32,
}

/// The encoded display version and thumbnail of one upload.
pub(crate) struct Prepared {
    pub format: Format,
    pub display: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The cheap checks, made before any decoding: not empty, not too large, and one of the accepted formats by
/// its leading bytes (never by a file name or a client's content type).
pub(crate) fn sniff(upload: &[u8], sizes: &Sizes) -> Result<ImageFormat, MediaError> {
    if upload.is_empty() {
        return Err(MediaError::Empty);
    }
    if upload.len() > sizes.max_upload_bytes {
        return Err(MediaError::TooLarge { limit_bytes: sizes.max_upload_bytes });
    }
    match image::guess_format(upload) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif)) => Ok(format),
        _ => Err(MediaError::NotAnImage),
    }
}

/// Decodes a sniffed upload and encodes its display version and thumbnail (the first frame of an animation).
pub(crate) fn prepare(upload: &[u8], format: ImageFormat, sizes: &Sizes) -> Result<Prepared, MediaError> {
    let picture = decode(upload, format, sizes)?;
    let display = shrink(picture, sizes.display_side_px);
    let thumb = shrink(display.clone(), sizes.thumb_side_px);
    let format = if is_translucent(&display) { Format::Png } else { Format::Jpeg };
    Ok(Prepared {
        format,
        width: display.width(),
        height: display.height(),
        display: encode(&display, format)?,
        thumb: encode(&thumb, format)?,
    })
}

fn decode(upload: &[u8], format: ImageFormat, sizes: &Sizes) -> Result<DynamicImage, MediaError> {
    let too_many = |err: ImageError| match err {
        ImageError::Limits(_) => MediaError::TooManyPixels { max_side_px: sizes.max_side_px },
        _ => MediaError::Corrupt,
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(sizes.max_side_px);
    limits.max_image_height = Some(sizes.max_side_px);
    limits.max_alloc = Some(DECODE_MEMORY_LIMIT_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(too_many)?;
    if decoder.total_bytes() > DECODE_MEMORY_LIMIT_BYTES {
        return Err(MediaError::TooManyPixels { max_side_px: sizes.max_side_px });
    }
    // A broken EXIF block only loses the orientation; the picture itself may be fine.
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(too_many)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

/// Fits the picture within `side`×`side`, keeping its proportions; never enlarges it.
fn shrink(picture: DynamicImage, side: u32) -> DynamicImage {
    if picture.width() <= side && picture.height() <= side {
        return picture;
    }
    picture.thumbnail(side, side)
}

fn is_translucent(picture: &DynamicImage) -> bool {
    picture.color().has_alpha() && picture.to_rgba8().pixels().any(|pixel| pixel.0[3] < u8::MAX)
}

fn encode(picture: &DynamicImage, format: Format) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let written = match format {
        Format::Jpeg => DynamicImage::ImageRgb8(picture.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        Format::Png => DynamicImage::ImageRgba8(picture.to_rgba8()).write_with_encoder(PngEncoder::new(&mut out)),
    };
    // Encoding a decoded picture into memory fails only on a fault of the encoder; the upload is unusable.
    written.map_err(|err| {
        tracing::warn!(error = %err, "encoding a picture failed");
        MediaError::Corrupt
    })?;
    Ok(out)
}
