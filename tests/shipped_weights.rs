//! The LeNet weights shipped for the `embed` example load into the static
//! model and classify the shipped digit images.

use kiln::prelude::*;

#[test]
fn shipped_lenet_classifies_the_shipped_digits() {
    let model = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, 5),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(400, 120),
        ReLU,
        Linear(120, 84),
        ReLU,
        Linear(84, 10),
    ];
    let root = env!("CARGO_MANIFEST_DIR");
    model
        .load(format!("{root}/examples/data/lenet.safetensors"))
        .unwrap();
    let mut correct = 0;
    for digit in 0..10 {
        let image = image::open(format!("{root}/examples/data/digit-{digit}.png"))
            .unwrap()
            .into_luma8();
        let pixels = image
            .pixels()
            .map(|p| (p.0[0] as f32 / 255.0 - kiln::data::MNIST_MEAN) / kiln::data::MNIST_STD)
            .collect();
        let x = Tensor::<(Dyn, U1, U28, U28)>::from_vec(
            pixels,
            (Dyn(1), U1::new(), U28::new(), U28::new()),
        )
        .unwrap();
        let predicted = no_grad(|| model.forward(x))
            .into_dyn()
            .argmax(1)
            .unwrap()
            .data()[0];
        correct += usize::from(predicted == digit);
    }
    assert!(correct >= 9, "{correct}/10 digits recognised");
}
