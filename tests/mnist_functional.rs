//! PyTorch's MNIST example net (pytorch/examples, `mnist/main.py`) with its
//! forward in functional calls gives PyTorch's numbers, and the same as the
//! net built from layers with the same weights.
//!
//! The weights and the input are formulas (`scale * sin(0.37 i + k)` for
//! the k-th parameter, `sin(0.05 i)` for the images), so the expected
//! log-probabilities below come from PyTorch 2.15 running the Python net
//! in eval mode with the same formulas (the script is in the comment at the
//! end of this file).

use kiln::nn::StateDict;
use kiln::prelude::*;
use kiln::shape::typenum::Prod;

#[derive(Module)]
struct Net {
    conv1: Conv2d<U1, U32, U3, U1>,
    conv2: Conv2d<U32, U64, U3, U1>,
    dropout1: Dropout,
    dropout2: Dropout,
    fc1: Linear<Prod<U9, U1024>, U128>,
    fc2: Linear<U128, U10>,
}

impl Net {
    fn new() -> Self {
        Net {
            conv1: Conv2d::new(),
            conv2: Conv2d::new(),
            dropout1: Dropout::with_p(0.25),
            dropout2: Dropout::with_p(0.5),
            fc1: Linear::new(),
            fc2: Linear::new(),
        }
    }

    /// `F.relu`, `F.max_pool2d(x, 2)`, `torch.flatten(x, 1)` and
    /// `F.log_softmax(x, dim=1)` as functional calls, as in the Python forward.
    fn forward(&self, x: Tensor<(Dyn, U1, U28, U28)>) -> Tensor<(Dyn, U10)> {
        let x = self.conv1.forward(x).relu();
        let x = self.conv2.forward(x).relu();
        let x = x.max_pool2d::<2>();
        let x = self.dropout1.forward(x);
        let x = x.flatten::<1>();
        let x = self.fc1.forward(x).relu();
        let x = self.dropout2.forward(x);
        let x = self.fc2.forward(x);
        x.log_softmax::<1>()
    }
}

/// The formula weights, in `named_parameters` order (PyTorch's).
fn formula_weights(net: &Net) -> StateDict {
    net.named_parameters()
        .iter()
        .enumerate()
        .map(|(k, (name, p))| {
            let fan_in: usize = match &name[..3] {
                "con" if name.starts_with("conv1") => 9,
                "con" => 288,
                "fc1" => 9216,
                _ => 128,
            };
            let scale = 3.0 / (fan_in as f64).sqrt();
            let data = (0..p.numel())
                .map(|i| (scale * (0.37 * i as f64 + k as f64).sin()) as f32)
                .collect();
            (name.clone(), DynTensor::from_vec(data, p.shape()).unwrap())
        })
        .collect()
}

fn images() -> Tensor<(Dyn, U1, U28, U28)> {
    let data = (0..2 * 784)
        .map(|i| (0.05 * i as f64).sin() as f32)
        .collect();
    Tensor::from_vec(data, (Dyn(2), U1::new(), U28::new(), U28::new())).unwrap()
}

/// PyTorch's output for the formula weights and images (eval mode).
const TORCH: [[f32; 10]; 2] = [
    [
        -1.939_860_7,
        -2.535_503_4,
        -2.004_747_4,
        -2.331_713_7,
        -2.253_048,
        -2.237_666,
        -2.615_642_8,
        -2.239_766_6,
        -2.964_205_7,
        -2.280_438_4,
    ],
    [
        -1.759_331,
        -2.865_617,
        -1.754_631_5,
        -2.699_216_4,
        -1.999_814_3,
        -2.573_842_8,
        -2.426_441_4,
        -2.482_757_6,
        -2.892_172,
        -2.388_781,
    ],
];

#[test]
fn functional_forward_gives_pytorchs_numbers() {
    let mut net = Net::new();
    net.load_state_dict(&formula_weights(&net), true).unwrap();
    net.eval();
    let y = no_grad(|| net.forward(images()));
    assert_eq!(y.dims().as_slice(), &[2, 10]);
    for (got, want) in y.to_vec().iter().zip(TORCH.iter().flatten()) {
        assert!((got - want).abs() < 1e-4, "{got} vs PyTorch's {want}");
    }
    // The test loop's accuracy count: pred = output.argmax(1); pred.eq(target).sum().item()
    let target = Tensor::<(Dyn,), i64>::from_vec(vec![0, 7], (Dyn(2),)).unwrap();
    assert_eq!(y.argmax::<1>().to_vec(), vec![0, 2]);
    assert_eq!(y.argmax::<1>().eq(&target).sum().item(), 1);
}

#[test]
fn functional_forward_equals_the_net_built_from_layers() {
    let mut net = Net::new();
    net.load_state_dict(&formula_weights(&net), true).unwrap();
    let mut layers = sequential![
        conv1: Conv2d(1, 32, 3, 1),
        relu1: ReLU,
        conv2: Conv2d(32, 64, 3, 1),
        relu2: ReLU,
        pool: MaxPool2d(2),
        dropout1: Dropout(0.25),
        flatten: Flatten,
        fc1: Linear(9216, 128),
        relu3: ReLU,
        dropout2: Dropout(0.5),
        fc2: Linear(128, 10),
    ];
    // Same parameter names (conv1.weight, ..., fc2.bias): strict load.
    layers.load_state_dict(&net.state_dict(), true).unwrap();
    let log_softmax = LogSoftmax::new(1);
    net.eval();
    layers.eval();
    let functional = net.forward(images()).to_vec();
    let built = log_softmax.forward(layers.forward(images())).to_vec();
    assert_eq!(functional, built);
    // In training mode both draw the same dropout masks from the same seed.
    net.train();
    layers.train();
    // fork_rng: this thread's own generator, so tests drawing in parallel
    // from the global one cannot interleave with the masks.
    let functional = kiln::fork_rng(3, || net.forward(images()).to_vec());
    let built = kiln::fork_rng(3, || log_softmax.forward(layers.forward(images())).to_vec());
    assert_eq!(functional, built);
}

#[test]
fn gradients_reach_every_parameter() {
    let net = Net::new();
    let target = Tensor::<(Dyn,), i64>::from_vec(vec![3, 8], (Dyn(2),)).unwrap();
    // F.nll_loss(output, target), as the Python training loop.
    let loss = NLLLoss::new()
        .forward(net.forward(images()), target)
        .unwrap();
    loss.backward().unwrap();
    for (name, p) in net.named_parameters() {
        let g = p.grad().unwrap_or_else(|| panic!("{name} has no gradient"));
        assert!(g.iter().any(|v| *v != 0.0), "{name}'s gradient is zero");
    }
}

// The reference (PyTorch 2.15, CPU):
//
//     net = Net().eval()   # mnist/main.py's Net
//     fan_in = {"conv1": 9, "conv2": 288, "fc1": 9216, "fc2": 128}
//     with torch.no_grad():
//         for k, (name, p) in enumerate(net.named_parameters()):
//             scale = 3.0 / math.sqrt(fan_in[name.split(".")[0]])
//             i = torch.arange(p.numel(), dtype=torch.float64)
//             p.copy_((scale * torch.sin(0.37 * i + k)).reshape(p.shape).float())
//         x = torch.sin(0.05 * torch.arange(2 * 784, dtype=torch.float64)).reshape(2, 1, 28, 28).float()
//         print(net(x).tolist())
