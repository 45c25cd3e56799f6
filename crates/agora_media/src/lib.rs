//! Media: pictures of products. An upload is recognised by its content, decoded within limits, re-encoded
//! (dropping every byte of the original, EXIF and GPS included) into a display version and a thumbnail, and
//! stored under content-addressed keys through the `object_store` interface: a local directory or any
//! S3-compatible bucket, chosen by settings.
//!
//! Stored formats: JPEG (quality 85) for opaque pictures, PNG for pictures with any transparent pixel.

mod backend;
mod demo;
mod error;
mod key;
mod process;
mod settings;
mod store;

pub use demo::{DemoShape, demo_image};
pub use error::MediaError;
pub use settings::MediaSettings;
pub use store::{MediaStore, StoredImage, StoredObject};
