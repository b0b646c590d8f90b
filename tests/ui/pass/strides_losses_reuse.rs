// The patterns of tests/ui/shape compile when the sizes fit: stride,
// padding and dilation combinations (down to a kernel exactly as large as
// the padded input), Flatten -> Linear after them (also past the lift
// table, 65536 features), a named sequential, a layer reused at its own
// size, both losses with static batches and inferred target types, and
// code generic over the batch dimension.
use kiln::prelude::*;

#[derive(Module)]
struct Reused {
    fc: Linear<U32, U32>,
}

impl Reused {
    fn forward<B: Dim>(&self, x: Tensor<(B, U32)>) -> Tensor<(B, U32)> {
        self.fc.forward(self.fc.forward(x))
    }
}

/// A loss over any batch dimension, static or not.
fn classify<B: BatchDim>(logits: Tensor<(B, U10)>, labels: Tensor<(B,), i64>) -> f32 {
    CrossEntropyLoss::new().forward(logits, labels).unwrap().item()
}

fn main() {
    // 32x32 -> conv stride 2, padding 1 -> 16x16 -> pool 3, stride 2, padding 1 -> 8x8.
    let strided = sequential![
        Conv2d(3, 8, 3, stride = 2, padding = 1),
        ReLU,
        MaxPool2d(3, stride = 2, padding = 1),
        Flatten,
        Linear(512, 10),
    ];
    let images = Tensor::<(Dyn, U3, U32, U32)>::zeros((Dyn(1), U3::new(), U32::new(), U32::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = strided.forward(images.clone());

    // Dilation 2 spans 5 pixels of 7: 3x3 out. A kernel of 8 on a 6x6 input
    // padded by 1 fits exactly once: 1x1 out.
    let dilated = sequential![Conv2d(1, 4, 3, dilation = 2)];
    let exact = sequential![Conv2d(1, 2, 8, padding = 1)];
    let small = Tensor::<(Dyn, U1, U7, U7)>::zeros((Dyn(1), U1::new(), U7::new(), U7::new())).unwrap();
    let _: Tensor<(Dyn, U4, U3, U3)> = dilated.forward(small);
    let six = Tensor::<(Dyn, U1, U6, U6)>::zeros((Dyn(1), U1::new(), U6::new(), U6::new())).unwrap();
    let _: Tensor<(Dyn, U2, U1, U1)> = exact.forward(six);

    // 64 * 32 * 32 = 65536 features, beyond the lift table: fine when it fits.
    let wide = sequential![Conv2d(3, 64, 3, padding = 1), ReLU, Flatten, Linear(65536, 10)];
    let _: Tensor<(Dyn, U10)> = wide.forward(images);

    let named = sequential![fc1: Linear(784, 256), act: ReLU, fc2: Linear(256, 10)];
    let rows = Tensor::<(Dyn, U784)>::zeros((Dyn(2), U784::new())).unwrap();
    let logits: Tensor<(Dyn, U10)> = named.forward(rows);

    let reused = Reused { fc: Linear::new() };
    let _: Tensor<(U4, U32)> = reused.forward(Tensor::zeros((U4::new(), U32::new())).unwrap());

    // Static batches agree; the labels' i64 and the MSE target's f32 are inferred.
    let fixed = Tensor::<(U2, U10)>::zeros((U2::new(), U10::new())).unwrap();
    let labels = Tensor::from_vec(vec![1, 7], (U2::new(),)).unwrap();
    let _ = CrossEntropyLoss::new().forward(fixed.clone(), labels).unwrap();
    let _ = MSELoss::new().forward(fixed.clone(), Tensor::zeros((U2::new(), U10::new())).unwrap()).unwrap();

    // Generic over the batch: a runtime batch and a static one.
    let dyn_labels = Tensor::<(Dyn,), i64>::from_vec(vec![3, 4], (Dyn(2),)).unwrap();
    let _ = classify(logits, dyn_labels);
    let static_labels = Tensor::<(U2,), i64>::from_vec(vec![0, 9], (U2::new(),)).unwrap();
    let _ = classify(fixed, static_labels);
}
