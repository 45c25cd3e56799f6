//! Putting, reading and deleting pictures.

use agora_media::MediaError;
use bytes::Bytes;
use image::ImageFormat;

use crate::fixtures::{opaque, png_claiming, translucent_png, with_exif};
use crate::{dimensions, small_store};

#[tokio::test]
async fn a_small_png_is_stored_as_jpeg_without_being_enlarged() {
    let (store, _dir) = small_store();

    let stored = store.put_image(Bytes::from(opaque(50, 30, ImageFormat::Png))).await.unwrap();

    assert_eq!((stored.width, stored.height), (50, 30));
    assert_eq!(stored.content_type, "image/jpeg");
    assert!(stored.key.ends_with(".jpg") && stored.thumb_key.ends_with("-thumb.jpg"));
    let display = store.get(&stored.key).await.unwrap().unwrap();
    assert_eq!(display.content_type, "image/jpeg");
    assert_eq!(dimensions(&display.bytes), (50, 30));
    let thumb = store.get(&stored.thumb_key).await.unwrap().unwrap();
    let (width, height) = dimensions(&thumb.bytes);
    assert!(width <= 16 && height <= 16 && width.max(height) == 16, "thumbnail is {width}x{height}");
}

#[tokio::test]
async fn a_large_jpeg_is_shrunk_to_the_display_side_keeping_its_proportions() {
    let (store, _dir) = small_store();

    let stored = store.put_image(Bytes::from(opaque(200, 100, ImageFormat::Jpeg))).await.unwrap();

    assert_eq!((stored.width, stored.height), (64, 32));
    let display = store.get(&stored.key).await.unwrap().unwrap();
    assert_eq!(dimensions(&display.bytes), (64, 32));
    let thumb = store.get(&stored.thumb_key).await.unwrap().unwrap();
    assert_eq!(dimensions(&thumb.bytes), (16, 8));
}

#[tokio::test]
async fn a_picture_with_transparency_is_stored_as_png_and_keeps_it() {
    let (store, _dir) = small_store();

    let stored = store.put_image(Bytes::from(translucent_png(40, 40))).await.unwrap();

    assert_eq!(stored.content_type, "image/png");
    assert!(stored.key.ends_with(".png") && stored.thumb_key.ends_with("-thumb.png"));
    let display = store.get(&stored.key).await.unwrap().unwrap();
    assert_eq!(display.content_type, "image/png");
    let picture = image::load_from_memory(&display.bytes).unwrap().to_rgba8();
    assert_eq!(picture.get_pixel(0, 0).0[3], 0);
    assert_eq!(picture.get_pixel(39, 0).0[3], 255);
}

#[tokio::test]
async fn webp_and_gif_uploads_are_accepted() {
    let (store, _dir) = small_store();

    for format in [ImageFormat::WebP, ImageFormat::Gif] {
        let stored = store.put_image(Bytes::from(opaque(20, 10, format))).await.unwrap();
        assert_eq!((stored.width, stored.height), (20, 10), "{format:?}");
    }
}

#[tokio::test]
async fn storing_the_same_bytes_twice_gives_the_same_keys() {
    let (store, _dir) = small_store();
    let upload = Bytes::from(opaque(30, 30, ImageFormat::Png));

    let first = store.put_image(upload.clone()).await.unwrap();
    let second = store.put_image(upload).await.unwrap();
    let other = store.put_image(Bytes::from(opaque(31, 30, ImageFormat::Png))).await.unwrap();

    assert_eq!(first, second);
    assert_eq!(first.key.len(), 64 + ".jpg".len());
    assert_ne!(first.key, other.key);
}

#[tokio::test]
async fn text_named_like_a_picture_is_not_an_image() {
    let (store, _dir) = small_store();

    let err = store.put_image(Bytes::from_static(b"hello")).await.unwrap_err();

    assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
    assert_eq!(err.code(), "not_an_image");
    assert!(err.is_bad_input());
}

#[tokio::test]
async fn an_empty_upload_is_refused() {
    let (store, _dir) = small_store();

    let err = store.put_image(Bytes::new()).await.unwrap_err();

    assert!(matches!(err, MediaError::Empty), "{err:?}");
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_before_it_is_looked_at() {
    let dir = tempfile::tempdir().unwrap();
    let settings = agora_media::MediaSettings { max_upload_bytes: 100, ..Default::default() };
    let store = agora_media::MediaStore::new(&settings, dir.path()).unwrap();

    // Not even a picture: only the size is checked first.
    let err = store.put_image(Bytes::from(vec![b'x'; 101])).await.unwrap_err();

    assert!(matches!(err, MediaError::TooLarge { limit_bytes: 100 }), "{err:?}");
    assert_eq!(err.to_string(), "the image is larger than 100 bytes; upload a smaller file");
    assert!(store.put_image(Bytes::from(vec![b'x'; 100])).await.is_err_and(|e| matches!(e, MediaError::NotAnImage)));
}

#[tokio::test]
async fn a_truncated_png_is_corrupt() {
    let (store, _dir) = small_store();
    let png = opaque(64, 64, ImageFormat::Png);

    let err = store.put_image(Bytes::copy_from_slice(&png[..png.len() / 2])).await.unwrap_err();

    assert!(matches!(err, MediaError::Corrupt), "{err:?}");
}

#[tokio::test]
async fn a_png_claiming_100000_pixels_a_side_is_refused_without_decoding() {
    let (store, _dir) = small_store();

    let err = store.put_image(Bytes::from(png_claiming(100_000, 100_000))).await.unwrap_err();

    assert!(matches!(err, MediaError::TooManyPixels { max_side_px: 8000 }), "{err:?}");
    assert_eq!(err.code(), "image_too_many_pixels");
}

#[tokio::test]
async fn exif_and_gps_data_are_not_stored() {
    let (store, _dir) = small_store();
    let upload = with_exif(&opaque(40, 20, ImageFormat::Jpeg), None);
    assert!(upload.windows(4).any(|window| window == b"Exif"));

    let stored = store.put_image(Bytes::from(upload)).await.unwrap();

    for key in [&stored.key, &stored.thumb_key] {
        let bytes = store.get(key).await.unwrap().unwrap().bytes;
        assert!(!bytes.windows(4).any(|window| window == b"Exif"), "{key} keeps Exif");
        assert!(!bytes.windows(3).any(|window| window == b"GPS"), "{key} keeps the position");
    }
}

#[tokio::test]
async fn the_exif_orientation_is_applied_before_it_is_dropped() {
    let (store, _dir) = small_store();

    let stored = store.put_image(Bytes::from(with_exif(&opaque(40, 20, ImageFormat::Jpeg), Some(6)))).await.unwrap();

    assert_eq!((stored.width, stored.height), (20, 40));
}

#[tokio::test]
async fn keys_this_crate_did_not_make_are_never_read() {
    let (store, dir) = small_store();
    let stored = store.put_image(Bytes::from(opaque(10, 10, ImageFormat::Png))).await.unwrap();
    std::fs::write(dir.path().join("media").join("notes.jpg"), b"private").unwrap();
    let upper = stored.key.to_uppercase().replace(".JPG", ".jpg");
    let hex = stored.key.trim_end_matches(".jpg");

    for key in [
        "../etc/passwd",
        "foo",
        "",
        "notes.jpg",
        &upper,
        &format!("{hex}.txt"),
        &format!("{hex}.jpg/../../x"),
        &format!("../{}", stored.key),
        &format!("{hex}-thumb-thumb.jpg"),
    ] {
        assert!(store.get(key).await.unwrap().is_none(), "{key:?} was read");
    }
    let absent = format!("{}.jpg", "0".repeat(64));
    assert!(store.get(&absent).await.unwrap().is_none());
    assert!(store.get(&stored.key).await.unwrap().is_some());
}

#[tokio::test]
async fn deleting_an_image_removes_both_versions_and_may_be_repeated() {
    let (store, _dir) = small_store();
    let stored = store.put_image(Bytes::from(opaque(10, 10, ImageFormat::Png))).await.unwrap();

    store.delete_image(&stored).await.unwrap();

    assert!(store.get(&stored.key).await.unwrap().is_none());
    assert!(store.get(&stored.thumb_key).await.unwrap().is_none());
    store.delete_image(&stored).await.unwrap();
}

#[tokio::test]
async fn ping_answers_while_the_directory_exists() {
    let (store, dir) = small_store();
    store.ping().await.unwrap();

    std::fs::remove_dir_all(dir.path().join("media")).unwrap();

    let err = store.ping().await.unwrap_err();
    assert_eq!(err.code(), "media_storage");
    assert!(!err.is_bad_input());
}
