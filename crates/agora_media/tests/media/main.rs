//! The media crate through its public interface, on a local directory: uploads accepted and refused, keys,
//! reads, deletes, settings, and the demo pictures.

#![expect(clippy::unwrap_used, reason = "a test fails loudly where a helper unwraps")]

mod demo;
mod fixtures;
mod settings;
mod uploads;

use agora_media::{MediaSettings, MediaStore};
use tempfile::TempDir;

/// A store in a fresh directory with small sizes, so tests encode little.
pub fn small_store() -> (MediaStore, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let settings = MediaSettings { display_side_px: 64, thumb_side_px: 16, ..MediaSettings::default() };
    let store = MediaStore::new(&settings, dir.path()).unwrap();
    (store, dir)
}

/// The width and height of an encoded picture.
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let picture = image::load_from_memory(bytes).unwrap();
    (picture.width(), picture.height())
}
