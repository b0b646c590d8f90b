//! The macros expanded against kiln's layers: parameter names, printouts,
//! forward chaining, and the compile-fail snapshots under tests/ui/macro.

use kiln::nn::{Buffer, Forward, Module, ModuleExt, Parameter};
use kiln::{Module, Sequential, sequential};

fn names(m: &dyn Module) -> Vec<String> {
    m.named_parameters()
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn sequential_parameter_names_and_shapes() {
    let net = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    assert_eq!(names(&net), ["0.weight", "0.bias", "2.weight", "2.bias"]);
    let shapes: Vec<Vec<usize>> = net
        .parameters()
        .iter()
        .map(|p| p.shape().to_vec())
        .collect();
    assert_eq!(shapes, [vec![256, 784], vec![256], vec![10, 256], vec![10]]);
    assert_eq!(net.len(), 3);
}

#[test]
fn sequential_keyword_arguments_and_bias() {
    let net = sequential![
        Linear(in_features = 4, out_features = 3, bias = false),
        ReLU(),
        Linear(3, 2, false)
    ];
    assert_eq!(names(&net), ["0.weight", "2.weight"]);
    assert_eq!(
        net.to_string(),
        "Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=False)\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=2, bias=False)\n)"
    );
}

#[test]
fn sequential_lenet_repr() {
    let net = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Conv2d(6, 16, kernel_size = 5),
        ReLU,
        MaxPool2d(kernel_size = 2, stride = 2),
        Flatten,
        Linear(400, 120),
        ReLU,
        Linear(120, 84),
        ReLU,
        Linear(84, 10),
    ];
    let expected = "Sequential(
  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
  (1): ReLU()
  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (3): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
  (4): ReLU()
  (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (6): Flatten(start_dim=1, end_dim=-1)
  (7): Linear(in_features=400, out_features=120, bias=True)
  (8): ReLU()
  (9): Linear(in_features=120, out_features=84, bias=True)
  (10): ReLU()
  (11): Linear(in_features=84, out_features=10, bias=True)
)";
    assert_eq!(net.to_string(), expected);
    assert_eq!(net.parameters()[0].shape(), &[6, 1, 5, 5]);
}

#[test]
fn sizes_above_1024_and_any_length() {
    // 3136 = 64 * 7 * 7 has no typenum alias; the macro writes the binary type.
    let net = sequential![Flatten, Linear(3136, 1025), ReLU, Linear(1025, 10)];
    assert_eq!(net.parameters()[0].shape(), &[1025, 3136]);
    let long = sequential![
        ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU, ReLU,
        ReLU
    ];
    assert_eq!(long.len(), 16);
    let _typed: Sequential![Flatten, Linear(3136, 1025), ReLU, Linear(1025, 10)] = net;
}

#[test]
fn nested_sequentials() {
    let net: Sequential![Linear(8, 4), Sequential![ReLU, Linear(4, 2)]] =
        sequential![Linear(8, 4), sequential![ReLU, Linear(4, 2)]];
    assert_eq!(
        names(&net),
        ["0.weight", "0.bias", "1.1.weight", "1.1.bias"]
    );
    let pool: Sequential![MaxPool2d(3, stride = None, padding = 1)] =
        sequential![MaxPool2d(3, None, 1)];
    assert_eq!(
        pool.to_string(),
        "Sequential(\n  (0): MaxPool2d(kernel_size=3, stride=3, padding=1, dilation=1, ceil_mode=False)\n)"
    );
}

/// A user module: adds `n` (a forward over plain integers, so the chain can
/// be tested without tensors).
#[derive(Module)]
struct AddN {
    #[module(skip)]
    n: i32,
}

impl Forward<i32> for AddN {
    type Output = i32;
    fn forward(&self, x: i32) -> i32 {
        x + self.n
    }
}

#[derive(Module)]
struct Double;

impl Forward<i32> for Double {
    type Output = i64;
    fn forward(&self, x: i32) -> i64 {
        2 * i64::from(x)
    }
}

impl Forward<i64> for Double {
    type Output = i64;
    fn forward(&self, x: i64) -> i64 {
        2 * x
    }
}

#[test]
fn pass_through_expressions_and_forward() {
    let add = AddN { n: 1 };
    let with_variable = sequential![add, Double];
    assert_eq!(with_variable.forward(2), 6);
    let net = sequential![AddN { n: 3 }, Double, Double];
    assert_eq!(net.forward(5), 32);
    assert_eq!(
        net.to_string(),
        "Sequential(\n  (0): AddN()\n  (1): Double()\n  (2): Double()\n)"
    );
}

/// `AvgPool2d(..., ceil_mode = true)` builds `AvgPool2dCeil`: the
/// compiler computes the ceil-mode size (PyTorch: 6x5 pooled by
/// `AvgPool2d(3, 2, 1, ceil_mode=True)` is 4x3, floor mode gives 3x3), and
/// the printout is PyTorch's, which omits `ceil_mode`.
#[test]
fn sequential_avg_pool_ceil_mode() {
    use kiln::Tensor;
    use kiln::shape::{Dyn, U1, U3, U4, U5, U6};
    let net = sequential![AvgPool2d(3, stride = 2, padding = 1, ceil_mode = true)];
    let x =
        Tensor::<(Dyn, U1, U6, U5)>::zeros((Dyn(1), U1::default(), U6::default(), U5::default()))
            .unwrap();
    let y: Tensor<(Dyn, U1, U4, U3)> = net.forward(x);
    assert_eq!(y.as_dyn().shape(), &[1, 1, 4, 3]);
    assert_eq!(
        net.to_string(),
        "Sequential(\n  (0): AvgPool2d(kernel_size=3, stride=2, padding=1)\n)"
    );
}

#[test]
fn sequential_max_pool_ceil_mode() {
    use kiln::Tensor;
    use kiln::shape::{Dyn, U1, U3, U5};
    // nn.MaxPool2d(2, ceil_mode=True): 5x5 becomes 3x3 (floor mode: 2x2).
    let net = sequential![MaxPool2d(2, ceil_mode = true)];
    let x =
        Tensor::<(Dyn, U1, U5, U5)>::zeros((Dyn(1), U1::default(), U5::default(), U5::default()))
            .unwrap();
    let y: Tensor<(Dyn, U1, U3, U3)> = net.forward(x);
    assert_eq!(y.as_dyn().shape(), &[1, 1, 3, 3]);
    assert_eq!(
        net.to_string(),
        "Sequential(\n  (0): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)\n)"
    );
}

#[test]
fn named_sequential() {
    let net = sequential![fc1: Linear(784, 256), relu1: ReLU, fc2: Linear(256, 10)];
    assert_eq!(
        names(&net),
        ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    );
    assert_eq!(net.fc1.parameters()[0].shape(), &[256, 784]);
    assert_eq!(
        net.to_string(),
        "Sequential(\n  (fc1): Linear(in_features=784, out_features=256, bias=True)\n  (relu1): ReLU()\n  (fc2): Linear(in_features=256, out_features=10, bias=True)\n)"
    );
    let chain = sequential![add: AddN { n: 3 }, double: Double, again: Double];
    assert_eq!(chain.forward(5), 32);
    assert_eq!(chain.add.n, 3);
}

type Mlp = Sequential![Linear(784, 256), ReLU, Linear(256, 10, bias = false)];

#[derive(Module)]
struct Classifier {
    hidden: Mlp,
    #[module(param)]
    scale: Parameter,
    #[module(buffer)]
    running: Buffer,
    #[module(skip)]
    #[allow(dead_code)]
    label: &'static str,
}

#[test]
fn sequential_type_and_derive() {
    let model = Classifier {
        hidden: sequential![Linear(784, 256), ReLU, Linear(256, 10, bias = false)],
        scale: Parameter::new(vec![1.0], &[1]),
        running: Buffer::new(vec![0.0; 2], &[2]),
        label: "mlp",
    };
    assert_eq!(
        names(&model),
        [
            "scale",
            "hidden.0.weight",
            "hidden.0.bias",
            "hidden.2.weight"
        ]
    );
    let buffers: Vec<String> = model.named_buffers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(buffers, ["running"]);
    assert_eq!(
        model.to_string(),
        "Classifier(\n  (hidden): Sequential(\n    (0): Linear(in_features=784, out_features=256, bias=True)\n    (1): ReLU()\n    (2): Linear(in_features=256, out_features=10, bias=False)\n  )\n)"
    );
}

#[derive(Module)]
#[module(name = "MLP")]
struct Net<L> {
    fc1: kiln::nn::Linear<kiln::__private::typenum::U4, kiln::__private::typenum::U3>,
    body: L,
}

#[derive(Module)]
struct Pair(kiln::nn::ReLU, Sequential![Linear(3, 2)]);

#[test]
fn generics_tuple_structs_and_custom_name() {
    let net = Net {
        fc1: kiln::nn::Linear::new(),
        body: sequential![Linear(3, 2)],
    };
    assert_eq!(
        names(&net),
        ["fc1.weight", "fc1.bias", "body.0.weight", "body.0.bias"]
    );
    assert!(
        net.to_string()
            .starts_with("MLP(\n  (fc1): Linear(in_features=4")
    );
    let pair = Pair(kiln::nn::ReLU::new(), sequential![Linear(3, 2)]);
    assert_eq!(names(&pair), ["1.0.weight", "1.0.bias"]);
    assert_eq!(pair.named_children()[0].0, "0");
}

/// Lifetimes, defaults, const generics and where clauses carry over.
#[derive(Module)]
struct Wrapped<'a, L = kiln::nn::ReLU, const N: usize = 2>
where
    L: Send,
{
    inner: L,
    #[module(skip)]
    tag: &'a str,
    #[module(skip)]
    sizes: [u8; N],
}

#[test]
fn generics_with_lifetimes_defaults_and_consts() {
    let w: Wrapped<'_> = Wrapped {
        inner: kiln::nn::ReLU::new(),
        tag: "t",
        sizes: [1, 2],
    };
    assert_eq!(w.to_string(), "Wrapped(\n  (inner): ReLU()\n)");
    assert_eq!((w.tag, w.sizes.len()), ("t", 2));
}

#[test]
fn train_eval_reaches_children() {
    let mut model = sequential![fc1: Linear(3, 2), relu: ReLU];
    model.eval();
    model.train();
    assert!(model.is_training());
}

/// A layer added through `nnspec::LAYERS` (ReLU6) is built by `sequential!`
/// with no change to nnmacro's code; PyTorch 2.15 prints
/// `nn.Sequential(nn.Linear(3, 4), nn.ReLU6())` the same.
#[test]
fn a_layer_in_the_table_is_built_by_sequential() {
    let model = sequential![Linear(3, 4), ReLU6];
    assert_eq!(
        model.to_string(),
        "Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n  (1): ReLU6()\n)"
    );
}
