//! The media store the catalog holds: put, read and delete pictures, and answer readiness checks.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use crate::backend;
use crate::error::MediaError;
use crate::key;
use crate::process::{self, Sizes};
use crate::settings::MediaSettings;

/// A stored picture: its display version and thumbnail. Width and height are the display version's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    pub key: String,
    pub thumb_key: String,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

/// A stored object as read back, with the content type its key names.
#[derive(Debug, Clone)]
pub struct StoredObject {
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// Pictures in a local directory or an S3 bucket; cheap to clone.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn ObjectStore>,
    local_dir: Option<PathBuf>,
    sizes: Sizes,
    /// Decoding a large picture takes hundreds of megabytes; at most one per core runs at a time.
    decoding: Arc<Semaphore>,
}

impl MediaStore {
    /// Builds the backend the settings name, after validating them (an error names the bad key). A local
    /// directory is created if missing.
    pub fn new(settings: &MediaSettings, data_dir: &FsPath) -> Result<MediaStore, MediaError> {
        let backend = backend::build(settings, data_dir)?;
        let sizes = Sizes {
            max_upload_bytes: settings.max_upload_bytes,
            max_side_px: settings.max_side_px,
            display_side_px: settings.display_side_px,
            thumb_side_px: settings.thumb_side_px,
        };
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        tracing::info!(media.backend = backend.kind, "media store ready");
        Ok(MediaStore {
            inner: Arc::new(Inner {
                store: backend.store,
                local_dir: backend.local_dir,
                sizes,
                decoding: Arc::new(Semaphore::new(cores)),
            }),
        })
    }

    /// Checks an upload by its content, decodes it within limits, and stores a re-encoded display version
    /// and thumbnail under keys derived from the uploaded bytes, so storing the same file twice is harmless.
    pub async fn put_image(&self, bytes: Bytes) -> Result<StoredImage, MediaError> {
        let outcome = self.prepare_and_store(bytes).await;
        let label = match &outcome {
            Ok(_) => "stored",
            Err(err) => err.code(),
        };
        metrics::counter!("agora_media_uploads_total", "outcome" => label).increment(1);
        outcome
    }

    async fn prepare_and_store(&self, upload: Bytes) -> Result<StoredImage, MediaError> {
        let sizes = self.inner.sizes;
        let format = process::sniff(&upload, &sizes)?;
        // The permit moves into the blocking task, so a cancelled upload still holds it until decoding ends.
        let permit = Arc::clone(&self.inner.decoding)
            .acquire_owned()
            .await
            .map_err(|_| MediaError::Storage("the store is closed".into()))?;
        let task_upload = upload.clone();
        let prepared = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            process::prepare(&task_upload, format, &sizes)
        })
        .await
        .map_err(|err| {
            // A decoder that panics on hostile input is a bug upstream; for the user the file is unreadable.
            tracing::error!(error = %err, "decoding a picture panicked");
            MediaError::Corrupt
        })??;
        let (display_key, thumb_key) = key::keys_for(&upload, prepared.format);
        let (display_path, thumb_path) = (Path::from(display_key.as_str()), Path::from(thumb_key.as_str()));
        let store = &self.inner.store;
        tokio::try_join!(
            store.put(&display_path, PutPayload::from(prepared.display)),
            store.put(&thumb_path, PutPayload::from(prepared.thumb)),
        )?;
        tracing::info!(
            media.key = %display_key, image.width = prepared.width, image.height = prepared.height,
            "stored a picture"
        );
        Ok(StoredImage {
            key: display_key,
            thumb_key,
            width: prepared.width,
            height: prepared.height,
            content_type: prepared.format.content_type().to_owned(),
        })
    }

    /// Reads a stored object; None when it is absent or the key is not one this crate makes.
    pub async fn get(&self, key: &str) -> Result<Option<StoredObject>, MediaError> {
        let Some(format) = key::parse(key) else {
            return Ok(None);
        };
        let found = match self.inner.store.get(&Path::from(key)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(err) => return Err(err.into()),
        };
        let bytes = found.bytes().await?;
        Ok(Some(StoredObject { bytes, content_type: format.content_type() }))
    }

    /// Deletes both versions of a picture; an absent one is fine.
    pub async fn delete_image(&self, image: &StoredImage) -> Result<(), MediaError> {
        for key in [&image.key, &image.thumb_key] {
            if key::parse(key).is_none() {
                continue;
            }
            match self.inner.store.delete(&Path::from(key.as_str())).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        tracing::info!(media.key = %image.key, "deleted a picture");
        Ok(())
    }

    /// For readiness checks: the local directory exists, or the bucket answers a (tiny) listing.
    pub async fn ping(&self) -> Result<(), MediaError> {
        if let Some(dir) = &self.inner.local_dir {
            return match tokio::fs::metadata(dir).await {
                Ok(meta) if meta.is_dir() => Ok(()),
                Ok(_) => Err(MediaError::Storage(format!("{} is not a directory", dir.display()))),
                Err(err) => Err(MediaError::Storage(format!("cannot reach {}: {err}", dir.display()))),
            };
        }
        self.inner.store.list_with_delimiter(Some(&Path::from("ping"))).await?;
        Ok(())
    }
}
