//! Media settings (`[settings.catalog.media]`).

use serde::Deserialize;

/// Where pictures are kept and how large they may be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaSettings {
    /// "local" (a directory; the default) or "s3" (any S3-compatible store).
    pub backend: String,
    /// Local backend: the directory; empty means `<data_dir>/media`.
    pub local_dir: String,
    /// S3 backend: the bucket (required).
    pub s3_bucket: String,
    /// S3 backend: the region; empty keeps `AWS_REGION`/`AWS_DEFAULT_REGION`, else "us-east-1".
    pub s3_region: String,
    /// S3 backend: the endpoint of an S3-compatible store (MinIO, R2, …); empty means AWS. Requests use
    /// path-style addressing (`<endpoint>/<bucket>/<key>`), which every S3-compatible store accepts.
    pub s3_endpoint: String,
    /// S3 backend: allow a plain `http://` endpoint (MinIO on a LAN).
    pub s3_allow_http: bool,
    // Credentials are not settings: they come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the usual
    // AWS web-identity and container variables), so no secret sits in a file.
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Largest picture decoded, in pixels per side; guards against decompression bombs.
    pub max_side_px: u32,
    /// Longest side of the stored display version; smaller pictures are never enlarged.
    pub display_side_px: u32,
    /// Longest side of the stored thumbnail.
    pub thumb_side_px: u32,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            backend: "local".to_owned(),
            local_dir: String::new(),
            s3_bucket: String::new(),
            s3_region: String::new(),
            s3_endpoint: String::new(),
            s3_allow_http: false,
            max_upload_bytes: 5 * 1024 * 1024,
            max_side_px: 8000,
            display_side_px: 1600,
            thumb_side_px: 400,
        }
    }
}
