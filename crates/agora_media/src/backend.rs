//! Builds the object store named by the settings, validating each setting and naming the bad key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;

use crate::error::MediaError;
use crate::settings::MediaSettings;

const KEY_PREFIX: &str = "settings.catalog.media";

/// A store, and the directory behind it when it is local.
pub(crate) struct Backend {
    pub store: Arc<dyn ObjectStore>,
    pub local_dir: Option<PathBuf>,
    /// "local" or "s3", for logs.
    pub kind: &'static str,
}

pub(crate) fn build(settings: &MediaSettings, data_dir: &Path) -> Result<Backend, MediaError> {
    check_sizes(settings)?;
    match settings.backend.as_str() {
        "local" => local(settings, data_dir),
        "s3" => s3(settings),
        other => Err(bad("backend", format!("must be \"local\" or \"s3\", not \"{other}\""))),
    }
}

fn check_sizes(settings: &MediaSettings) -> Result<(), MediaError> {
    let zero = [
        ("max_upload_bytes", settings.max_upload_bytes == 0),
        ("max_side_px", settings.max_side_px == 0),
        ("display_side_px", settings.display_side_px == 0),
        ("thumb_side_px", settings.thumb_side_px == 0),
    ];
    if let Some((key, _)) = zero.iter().find(|(_, is_zero)| *is_zero) {
        return Err(bad(key, "must be greater than 0"));
    }
    if settings.thumb_side_px > settings.display_side_px {
        return Err(bad("thumb_side_px", "must not be larger than display_side_px"));
    }
    Ok(())
}

fn local(settings: &MediaSettings, data_dir: &Path) -> Result<Backend, MediaError> {
    let dir = match settings.local_dir.as_str() {
        "" => data_dir.join("media"),
        dir => PathBuf::from(dir),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|err| bad("local_dir", format!("cannot create the directory {}: {err}", dir.display())))?;
    let store = LocalFileSystem::new_with_prefix(&dir)
        .map_err(|err| bad("local_dir", format!("cannot use the directory {}: {err}", dir.display())))?;
    Ok(Backend { store: Arc::new(store), local_dir: Some(dir), kind: "local" })
}

fn s3(settings: &MediaSettings) -> Result<Backend, MediaError> {
    if settings.s3_bucket.trim().is_empty() {
        return Err(bad("s3_bucket", "must name a bucket when backend is \"s3\""));
    }
    // from_env picks up AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and friends; the settings below win.
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(&settings.s3_bucket)
        .with_allow_http(settings.s3_allow_http)
        .with_virtual_hosted_style_request(false);
    if !settings.s3_region.is_empty() {
        builder = builder.with_region(&settings.s3_region);
    }
    let endpoint = settings.s3_endpoint.as_str();
    if !endpoint.is_empty() {
        if endpoint.starts_with("http://") && !settings.s3_allow_http {
            return Err(bad("s3_endpoint", "uses http://; use https:// or set s3_allow_http = true"));
        }
        if !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
            return Err(bad("s3_endpoint", "must start with https:// (or http:// with s3_allow_http = true)"));
        }
        builder = builder.with_endpoint(endpoint);
    }
    let store = builder
        .build()
        .map_err(|err| MediaError::Settings(format!("{KEY_PREFIX}: the S3 store cannot be set up: {err}")))?;
    Ok(Backend { store: Arc::new(store), local_dir: None, kind: "s3" })
}

fn bad(key: &str, problem: impl std::fmt::Display) -> MediaError {
    MediaError::Settings(format!("{KEY_PREFIX}.{key} {problem}"))
}
