//! Settings validation: each bad setting is named by its full key.

use agora_media::{MediaError, MediaSettings, MediaStore};

fn refusal(settings: MediaSettings) -> String {
    let dir = tempfile::tempdir().unwrap();
    match MediaStore::new(&settings, dir.path()) {
        Err(MediaError::Settings(message)) => message,
        Err(other) => panic!("expected a settings error, got {other:?}"),
        Ok(_) => panic!("expected a settings error"),
    }
}

fn s3(bucket: &str, endpoint: &str, allow_http: bool) -> MediaSettings {
    MediaSettings {
        backend: "s3".into(),
        s3_bucket: bucket.into(),
        s3_endpoint: endpoint.into(),
        s3_allow_http: allow_http,
        ..MediaSettings::default()
    }
}

#[test]
fn an_s3_backend_without_a_bucket_is_refused_naming_the_key() {
    let message = refusal(s3("", "", false));

    assert!(message.contains("settings.catalog.media.s3_bucket"), "{message}");
}

#[test]
fn a_plain_http_endpoint_needs_allow_http() {
    let message = refusal(s3("agora", "http://127.0.0.1:9000", false));

    assert!(message.contains("settings.catalog.media.s3_endpoint"), "{message}");
}

#[test]
fn an_s3_backend_with_a_bucket_is_built_without_contacting_it() {
    let dir = tempfile::tempdir().unwrap();

    MediaStore::new(&s3("agora", "http://127.0.0.1:9000", true), dir.path()).unwrap();
}

#[test]
fn an_unknown_backend_is_refused_naming_the_key() {
    let message = refusal(MediaSettings { backend: "ftp".into(), ..MediaSettings::default() });

    assert!(message.contains("settings.catalog.media.backend"), "{message}");
}

#[test]
fn zero_sizes_are_refused_naming_the_key() {
    let message = refusal(MediaSettings { max_side_px: 0, ..MediaSettings::default() });

    assert!(message.contains("settings.catalog.media.max_side_px"), "{message}");
}

#[test]
fn the_local_directory_defaults_to_media_under_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();

    MediaStore::new(&MediaSettings::default(), dir.path()).unwrap();

    assert!(dir.path().join("media").is_dir());
}

#[test]
fn the_default_limit_reads_as_five_megabytes() {
    let err = MediaError::TooLarge { limit_bytes: MediaSettings::default().max_upload_bytes };

    assert_eq!(err.to_string(), "the image is larger than 5 MB; upload a smaller file");
    assert_eq!(err.code(), "image_too_large");
}
