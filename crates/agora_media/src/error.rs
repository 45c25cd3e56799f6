//! What can go wrong with a picture or its store, each with a stable code.

/// An upload that was refused, or a store that failed. Messages are shown to users.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is not an image; upload a JPEG, PNG, WebP or GIF picture")]
    NotAnImage,
    #[error("the image is larger than {}; upload a smaller file", megabytes(.limit_bytes))]
    TooLarge { limit_bytes: usize },
    #[error("the image could not be read; it may be damaged")]
    Corrupt,
    #[error("the image is more than {max_side_px} pixels wide or high; upload a smaller picture")]
    TooManyPixels { max_side_px: u32 },
    #[error("the file is empty; choose a picture to upload")]
    Empty,
    #[error("media settings: {0}")]
    Settings(String),
    #[error("media storage failed: {0}")]
    Storage(String),
}

impl MediaError {
    /// A stable snake_case code for clients and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::NotAnImage => "not_an_image",
            MediaError::TooLarge { .. } => "image_too_large",
            MediaError::Corrupt => "image_corrupt",
            MediaError::TooManyPixels { .. } => "image_too_many_pixels",
            MediaError::Empty => "image_empty",
            MediaError::Settings(_) => "media_settings",
            MediaError::Storage(_) => "media_storage",
        }
    }

    /// True when the upload is at fault (the user can fix it); false for configuration and storage failures.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, MediaError::Settings(_) | MediaError::Storage(_))
    }
}

impl From<object_store::Error> for MediaError {
    fn from(err: object_store::Error) -> Self {
        MediaError::Storage(err.to_string())
    }
}

/// "5 MB", "1.5 MB", "300 KB" or "100 bytes": a limit as a person reads it (binary units, rounded down).
fn megabytes(bytes: &usize) -> String {
    const MIB: usize = 1024 * 1024;
    if *bytes < 1024 {
        return format!("{bytes} bytes");
    }
    if *bytes < MIB {
        return format!("{} KB", bytes / 1024);
    }
    let tenths = bytes / (MIB / 10);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        rest => format!("{}.{rest} MB", tenths / 10),
    }
}
