// The sizes ConvTranspose2d, Conv1d and AvgPool2d compute at compile time
// flow into the next layer: an encoder-decoder whose upsampled 8x8 map
// flattens to exactly Linear's 256 features, a Conv1d stack over a
// sequence of 32, and an AvgPool2d in a hand-built chain.
use kiln::nn::{AvgPool2d, Conv1d, ConvTranspose2d};
use kiln::prelude::*;

fn main() {
    let autoencoder = sequential![
        Conv2d(1, 8, 3, stride = 2, padding = 1),
        ReLU,
        ConvTranspose2d(8, 4, 3, stride = 2, padding = 1, output_padding = 1),
        Flatten,
        Linear(256, 10),
    ];
    let x = Tensor::<(Dyn, U1, U8, U8)>::zeros((Dyn(2), U1::new(), U8::new(), U8::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = autoencoder.forward(x);

    // ConvTranspose2d(4, 2, 4, stride = 2, dilation = 2, groups = 2): 5 -> (5-1)*2 + 2*3 + 1 = 15.
    let up = ConvTranspose2d::<U4, U2, U4, U2, U0, U0, U2, U2>::new();
    let map = Tensor::<(Dyn, U4, U5, U5)>::zeros((Dyn(1), U4::new(), U5::new(), U5::new())).unwrap();
    let _: Tensor<(Dyn, U2, U15, U15)> = up.forward(map);

    // Conv1d(3, 16, 5, stride = 2) then Conv1d(16, 16, 3, padding = 1): 32 -> 14 -> 14.
    let c1 = Conv1d::<U3, U16, U5, U2>::new();
    let c2 = Conv1d::<U16, U16, U3, U1, U1>::new();
    let seq = Tensor::<(Dyn, U3, U32)>::zeros((Dyn(4), U3::new(), U32::new())).unwrap();
    let _: Tensor<(Dyn, U16, U14)> = c2.forward(c1.forward(seq));

    // AvgPool2d(2) then Flatten into Linear(3 * 14 * 14 = 588, 10).
    let pool = AvgPool2d::<U2>::new();
    let head = Linear::<U588, U10>::new();
    let images = Tensor::<(Dyn, U3, U28, U28)>::zeros((Dyn(1), U3::new(), U28::new(), U28::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = head.forward(Flatten::new().forward(pool.forward(images)));

    // The same layers written in sequential!.
    let sequence = sequential![Conv1d(3, 16, 5, stride = 2), ReLU, Conv1d(16, 16, 3, padding = 1)];
    let seq = Tensor::<(Dyn, U3, U32)>::zeros((Dyn(4), U3::new(), U32::new())).unwrap();
    let _: Tensor<(Dyn, U16, U14)> = sequence.forward(seq);
    let pooled = sequential![Conv2d(3, 4, 3, padding = 1), AvgPool2d(3, stride = 2, padding = 1), Flatten, Linear(256, 10)];
    let images = Tensor::<(Dyn, U3, U16, U16)>::zeros((Dyn(1), U3::new(), U16::new(), U16::new())).unwrap();
    let _: Tensor<(Dyn, U10)> = pooled.forward(images);
}
