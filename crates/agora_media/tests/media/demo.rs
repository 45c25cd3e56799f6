//! Demo pictures for seeding.

use agora_media::{DemoShape, demo_image};
use image::ImageFormat;

#[test]
fn every_demo_shape_is_a_png_of_the_requested_size() {
    for shape in DemoShape::ALL {
        let png = demo_image(7, shape, 96);

        assert_eq!(image::guess_format(&png).unwrap(), ImageFormat::Png);
        assert_eq!(crate::dimensions(&png), (96, 96), "{shape:?}");
    }
}

#[test]
fn demo_images_repeat_for_a_seed_and_differ_between_seeds() {
    let first = demo_image(1, DemoShape::Bottle, 64);

    assert_eq!(first, demo_image(1, DemoShape::Bottle, 64));
    assert_ne!(first, demo_image(2, DemoShape::Bottle, 64));
    assert_ne!(first, demo_image(1, DemoShape::Ring, 64));
}
