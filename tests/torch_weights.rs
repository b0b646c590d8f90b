//! PyTorch's weights in Kiln and Kiln's in PyTorch, on small models saved
//! by scripts/make_torch_fixtures.py (tests/data/torch; no Python needed
//! here): a Sequential MLP, a named Sequential, a module with nested
//! containers and a small LeNet. Outputs agree within 1e-5 (float32).

use kiln::io::load_safetensors;
use kiln::nn::{Forward, Linear, ModuleDict, ModuleExt, ModuleList, ReLU};
use kiln::shape::{Dyn, U1, U3, U4, U6, U12};
use kiln::{Module, Sequential, Tensor, sequential};
use std::path::PathBuf;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

/// A named tensor of a fixture file: (shape, values).
fn tensor(file: &str, name: &str) -> (Vec<usize>, Vec<f32>) {
    let (tensors, _) = load_safetensors(data(file)).expect("fixture loads");
    let t = tensors
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{file} has no `{name}`"));
    (t.shape, t.data)
}

fn assert_close(what: &str, actual: &[f32], expected: &[f32]) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= 1e-5, "{what}[{i}]: Kiln {a}, PyTorch {e}");
    }
}

/// The (key, shape) pairs of a safetensors file, sorted.
fn keys_and_shapes(path: &std::path::Path) -> Vec<(String, Vec<usize>)> {
    let (tensors, _) = load_safetensors(path).expect("file loads");
    let mut out: Vec<_> = tensors.into_iter().map(|t| (t.name, t.shape)).collect();
    out.sort();
    out
}

type Batch<F> = Tensor<(Dyn, F)>;

fn batch<F: Default + kiln::shape::StaticDim>(file: &str) -> Batch<F> {
    let (shape, x) = tensor(file, "input");
    Tensor::<(Dyn, F)>::from_vec(x, (Dyn(shape[0]), F::default())).expect("input fits")
}

// The Kiln twins of the PyTorch models in the script.

fn mlp() -> Sequential![Linear(4, 8), ReLU, Linear(8, 3)] {
    sequential![Linear(4, 8), ReLU, Linear(8, 3)]
}

fn named() -> impl kiln::nn::Module + Forward<Batch<U4>, Output = Batch<U3>> {
    sequential![fc1: Linear(4, 6), relu1: ReLU, fc2: Linear(6, 3)]
}

/// `Block` of the script: `act(fc(x))`.
#[derive(Module)]
struct Block {
    fc: Linear<U6, U6>,
    act: ReLU,
}

impl Forward<Batch<U6>> for Block {
    type Output = Batch<U6>;
    fn forward(&self, x: Batch<U6>) -> Batch<U6> {
        self.act.forward(self.fc.forward(x))
    }
}

/// `Nested` of the script: a Sequential, a ModuleList of blocks and a
/// ModuleDict of heads, whose keys nest as `blocks.2.fc.bias`.
#[derive(Module)]
struct Nested {
    features: Sequential![Linear(4, 6), ReLU],
    blocks: ModuleList<Block>,
    heads: ModuleDict<Linear<U6, U3>>,
}

impl Nested {
    fn new() -> Self {
        let heads = ModuleDict::from_pairs([("out", Linear::new()), ("aux", Linear::new())]);
        Nested {
            features: sequential![Linear(4, 6), ReLU],
            blocks: (0..3)
                .map(|_| Block {
                    fc: Linear::new(),
                    act: ReLU::new(),
                })
                .collect(),
            heads: heads.expect("valid names"),
        }
    }
}

impl Forward<Batch<U4>> for Nested {
    type Output = Batch<U3>;
    fn forward(&self, x: Batch<U4>) -> Batch<U3> {
        let x = self.blocks.forward(self.features.forward(x));
        self.heads["out"].forward(x.clone()) + self.heads["aux"].forward(x)
    }
}

fn lenet() -> Sequential![
    Conv2d(1, 4, 3, padding = 1),
    ReLU,
    MaxPool2d(2),
    Conv2d(4, 8, 3),
    ReLU,
    MaxPool2d(2),
    Flatten,
    Linear(32, 10)
] {
    sequential![
        Conv2d(1, 4, 3, padding = 1),
        ReLU,
        MaxPool2d(2),
        Conv2d(4, 8, 3),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(32, 10)
    ]
}

fn lenet_output(
    net: &impl Forward<Tensor<(Dyn, U1, U12, U12)>, Output = Batch<kiln::shape::U10>>,
    io: &str,
) -> Vec<f32> {
    let (shape, x) = tensor(io, "input");
    let x = Tensor::<(Dyn, U1, U12, U12)>::from_vec(
        x,
        (Dyn(shape[0]), U1::default(), U12::default(), U12::default()),
    )
    .expect("input fits");
    net.forward(x).to_vec()
}

/// Each model's output on the fixture input.
fn outputs(name: &str, weights: &str) -> Vec<f32> {
    let io = format!("{name}.io.safetensors");
    let path = data(weights);
    match name {
        "mlp" => {
            let net = mlp();
            net.load(&path).expect("loads");
            net.forward(batch::<U4>(&io)).to_vec()
        }
        "named" => {
            let net = named();
            net.load(&path).expect("loads");
            net.forward(batch::<U4>(&io)).to_vec()
        }
        "nested" => {
            let net = Nested::new();
            net.load(&path).expect("loads");
            net.forward(batch::<U4>(&io)).to_vec()
        }
        "lenet" => {
            let net = lenet();
            net.load(&path).expect("loads");
            lenet_output(&net, &io)
        }
        other => panic!("no model `{other}`"),
    }
}

const MODELS: [&str; 4] = ["mlp", "named", "nested", "lenet"];

#[test]
fn pytorch_weights_give_pytorch_outputs() {
    for name in MODELS {
        let actual = outputs(name, &format!("{name}.safetensors"));
        let (_, expected) = tensor(&format!("{name}.io.safetensors"), "output");
        assert_close(name, &actual, &expected);
    }
}

/// Saves a freshly initialised Kiln model of each kind to `dir`.
fn save_fresh(name: &str, path: &std::path::Path) {
    match name {
        "mlp" => mlp().save(path),
        "named" => named().save(path),
        "nested" => Nested::new().save(path),
        "lenet" => lenet().save(path),
        other => panic!("no model `{other}`"),
    }
    .expect("saves");
}

#[test]
fn kiln_files_have_pytorch_keys_and_shapes() {
    let dir = std::env::temp_dir().join(format!("kiln-torch-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in MODELS {
        let path = dir.join(format!("{name}.safetensors"));
        save_fresh(name, &path);
        assert_eq!(
            keys_and_shapes(&path),
            keys_and_shapes(&data(&format!("{name}.safetensors"))),
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The committed kiln_NAME.safetensors were written by Kiln (this test with
/// KILN_REGEN_TORCH=1), loaded into PyTorch by the script with
/// `load_state_dict(strict=True)`, and PyTorch's output on them saved as
/// kiln_NAME.pytorch.safetensors: Kiln's output on its own file matches.
#[test]
fn kiln_files_load_in_pytorch() {
    if std::env::var_os("KILN_REGEN_TORCH").is_some() {
        kiln::manual_seed(7);
        for name in MODELS {
            save_fresh(name, &data(&format!("kiln_{name}.safetensors")));
        }
    }
    for name in MODELS {
        let file = format!("kiln_{name}.safetensors");
        assert_eq!(
            keys_and_shapes(&data(&file)),
            keys_and_shapes(&data(&format!("{name}.safetensors"))),
            "{name}"
        );
        let actual = outputs(name, &file);
        let (_, pytorch) = tensor(&format!("kiln_{name}.pytorch.safetensors"), "output");
        assert_close(&file, &actual, &pytorch);
        // Kiln's weights are not PyTorch's fixture weights: the check is not vacuous.
        let (_, theirs) = tensor(&format!("{name}.io.safetensors"), "output");
        assert_ne!(actual, theirs, "{name}");
    }
}

#[test]
fn nested_keys_follow_pytorch_nesting() {
    let names: Vec<String> = Nested::new()
        .state_dict()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        names,
        [
            "features.0.weight",
            "features.0.bias",
            "blocks.0.fc.weight",
            "blocks.0.fc.bias",
            "blocks.1.fc.weight",
            "blocks.1.fc.bias",
            "blocks.2.fc.weight",
            "blocks.2.fc.bias",
            "heads.out.weight",
            "heads.out.bias",
            "heads.aux.weight",
            "heads.aux.bias",
        ]
    );
}
