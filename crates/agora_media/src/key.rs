//! Content-addressed keys: the hex SHA-256 of the uploaded bytes plus a suffix naming the version and format.
//! Only keys of exactly this shape are ever read, so a key can never reach outside the store.

use sha2::{Digest, Sha256};

/// A stored format, named by its file suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
}

impl Format {
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }
}

const THUMB_MARK: &str = "-thumb";
const DIGEST_HEX_LEN: usize = 64;

/// The display and thumbnail keys of an upload.
pub(crate) fn keys_for(upload: &[u8], format: Format) -> (String, String) {
    let digest = Sha256::digest(upload);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    let ext = format.extension();
    (format!("{hex}.{ext}"), format!("{hex}{THUMB_MARK}.{ext}"))
}

/// The format of a key this crate made; None for anything else (other names, paths, upper-case hex).
pub(crate) fn parse(key: &str) -> Option<Format> {
    let (stem, ext) = key.rsplit_once('.')?;
    let format = [Format::Jpeg, Format::Png].into_iter().find(|format| format.extension() == ext)?;
    let digest = stem.strip_suffix(THUMB_MARK).unwrap_or(stem);
    let is_digest =
        digest.len() == DIGEST_HEX_LEN && digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_digest.then_some(format)
}
