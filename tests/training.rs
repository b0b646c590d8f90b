//! The foundation's end-to-end path: the seed MLP built two ways trains with
//! the same PyTorch loop on the shipped MNIST subset; weights save, load and
//! give the same outputs; a file for another model is a clear error.

use kiln::data::MnistBatch;
use kiln::prelude::*;

/// PyTorch prints the class name; `name` keeps Rust's naming conventions.
#[derive(Module)]
#[module(name = "MLP")]
struct Mlp {
    hidden: Linear<U784, U256>,
    act: ReLU,
    output: Linear<U256, U10>,
}

impl Mlp {
    fn forward(&self, x: Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)> {
        self.output
            .forward(self.act.forward(self.hidden.forward(x)))
    }
}

type Labels = Tensor<(Dyn,), i64>;

fn batch_tensors((x, y): MnistBatch) -> (Tensor<(Dyn, U784)>, Labels) {
    (x.flatten::<1>(), y)
}

/// Trains `steps` SGD steps with the PyTorch loop; returns (first loss, mean of the last 5).
fn train(model: &dyn ModuleLike, steps: usize) -> (f32, f32) {
    let data = Mnist::shipped_subset(Split::Train).unwrap();
    let loader = DataLoader::new(data, 64).unwrap().shuffle(true).seed(1);
    let mut opt = SGD::new(
        model.params(),
        SgdOptions {
            lr: 0.05,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    let criterion = CrossEntropyLoss::new();
    let mut losses = Vec::new();
    for batch in loader.iter().take(steps) {
        let (x, y) = batch_tensors(batch);
        opt.zero_grad();
        let out = model.run(x);
        let loss = criterion.forward(out, y).unwrap();
        loss.backward().unwrap();
        opt.step().unwrap();
        losses.push(loss.item());
    }
    let tail = &losses[losses.len() - 5..];
    (losses[0], tail.iter().sum::<f32>() / 5.0)
}

/// The two model forms behind one interface for the shared loop.
trait ModuleLike {
    fn params(&self) -> Vec<Parameter>;
    fn run(&self, x: Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)>;
}

type Seq = kiln::Sequential![Linear(784, 256), ReLU, Linear(256, 10)];

impl ModuleLike for Seq {
    fn params(&self) -> Vec<Parameter> {
        self.parameters()
    }
    fn run(&self, x: Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)> {
        self.forward(x)
    }
}

impl ModuleLike for Mlp {
    fn params(&self) -> Vec<Parameter> {
        self.parameters()
    }
    fn run(&self, x: Tensor<(Dyn, U784)>) -> Tensor<(Dyn, U10)> {
        self.forward(x)
    }
}

#[test]
fn sequential_and_derived_mlp_train_with_the_same_loop() {
    manual_seed(0);
    let seq: Seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let keys: Vec<String> = seq.named_parameters().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    let (first, last) = train(&seq, 60);
    assert!(last < 0.5 * first, "sequential: loss {first} -> {last}");

    manual_seed(0);
    let mlp = Mlp {
        hidden: Linear::new(),
        act: ReLU::new(),
        output: Linear::new(),
    };
    let keys: Vec<String> = mlp.named_parameters().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "hidden.weight",
            "hidden.bias",
            "output.weight",
            "output.bias"
        ]
    );
    assert_eq!(
        mlp.to_string(),
        "MLP(\n  (hidden): Linear(in_features=784, out_features=256, bias=True)\n  (act): ReLU()\n  \
         (output): Linear(in_features=256, out_features=10, bias=True)\n)"
    );
    let (first, last) = train(&mlp, 60);
    assert!(last < 0.5 * first, "derived: loss {first} -> {last}");
}

fn temp_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("kiln-training-{}-{name}", std::process::id()))
}

#[test]
fn weights_save_and_load_with_the_same_outputs() {
    manual_seed(1);
    let a: Seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let path = temp_file("mlp.safetensors");
    a.save(&path).unwrap();
    manual_seed(2);
    let b: Seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let x = Tensor::<(Dyn, U784)>::randn((Dyn(2), U784::new())).unwrap();
    assert_ne!(a.forward(x.clone()).to_vec(), b.forward(x.clone()).to_vec());
    b.load(&path).unwrap();
    assert_eq!(a.forward(x.clone()).to_vec(), b.forward(x).to_vec());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_for_another_model_is_an_error_naming_the_tensor_and_leaves_the_model_unchanged() {
    let lenet = sequential![
        Conv2d(1, 6, 5, padding = 2),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(1176, 10)
    ];
    let path = temp_file("lenet.safetensors");
    lenet.save(&path).unwrap();
    let mlp: Seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let before: Vec<Vec<f32>> = mlp.parameters().iter().map(|p| p.to_vec()).collect();
    let err = mlp.load(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: tensor `0.weight`: shape [6, 1, 5, 5] does not fit the model's [256, 784]",
            path.display()
        )
    );
    let after: Vec<Vec<f32>> = mlp.parameters().iter().map(|p| p.to_vec()).collect();
    assert_eq!(before, after);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_missing_key_is_an_error_and_non_strict_loading_reports_it() {
    let small = sequential![Linear(784, 256)];
    let path = temp_file("partial.safetensors");
    small.save(&path).unwrap();
    let mlp: Seq = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let err = mlp.load(&path).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{}: tensor `2.weight`: missing from the state_dict (2 missing in all)",
            path.display()
        )
    );
    let report = mlp.load_with(&path, false).unwrap();
    assert_eq!(report.missing_keys, ["2.weight", "2.bias"]);
    assert!(report.unexpected_keys.is_empty());
    std::fs::remove_file(&path).unwrap();
}
