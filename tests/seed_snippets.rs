//! The seed's five ways of building a model, written in Kiln: each builds,
//! prints what PyTorch prints (ModuleDict in insertion order, as current
//! PyTorch does), and trains one SGD step that lowers the loss on a batch.

use kiln::loss::{CrossEntropyLoss, Loss};
use kiln::nn::{
    DynForward, DynModule, Forward, Linear, ModuleDict, ModuleExt, ModuleList, Parameter, ReLU,
};
use kiln::optim::{SGD, SgdOptions};
use kiln::shape::{Dyn, U10, U256, U784};
use kiln::{DynTensor, LongTensor, Module, Result, Sequential, Tensor, sequential};

/// PyTorch's printout of a repr.json case.
fn pytorch_repr(case: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance/repr.json"
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    let case = cases
        .iter()
        .find(|c| c["name"] == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    case["expected"]["repr"].as_str().unwrap().to_string()
}

/// One SGD step (lr 0.1) on a fixed batch of 8 images; the loss drops.
fn trains_one_step(params: Vec<Parameter>, forward: impl Fn(&DynTensor) -> Result<DynTensor>) {
    kiln::manual_seed(1);
    let x = DynTensor::randn(&[8, 784]).unwrap();
    let y = LongTensor::from_vec((0..8).collect(), &[8]).unwrap();
    let criterion = CrossEntropyLoss::new();
    let mut opt = SGD::new(
        params,
        SgdOptions {
            lr: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    opt.zero_grad();
    let before = criterion.forward_dyn(&forward(&x).unwrap(), &y).unwrap();
    before.backward().unwrap();
    opt.step().unwrap();
    let after = criterion.forward_dyn(&forward(&x).unwrap(), &y).unwrap();
    assert!(
        after.item() < before.item(),
        "loss {} -> {}",
        before.item(),
        after.item()
    );
}

/// A static model's forward on a runtime batch.
fn typed<M: Forward<Tensor<(Dyn, U784)>, Output = Tensor<(Dyn, U10)>>>(
    net: &M,
    x: &DynTensor,
) -> Result<DynTensor> {
    Ok(net.forward(Tensor::from_dyn(x.clone())?).into_dyn())
}

/// `net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))`
#[test]
fn sequential_mlp() {
    let net = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    assert_eq!(net.to_string(), pytorch_repr("sequential/seed_mlp/1"));
    trains_one_step(net.parameters(), |x| typed(&net, x));
}

/// `nn.Sequential(OrderedDict([('fc1', ...), ('relu1', ...), ('fc2', ...)]))`
#[test]
fn sequential_with_ordered_dict_names() {
    let net = sequential![fc1: Linear(784, 256), relu1: ReLU, fc2: Linear(256, 10)];
    assert_eq!(
        net.to_string(),
        pytorch_repr("sequential/ordered_dict_names/2")
    );
    assert_eq!(net.fc1.out_features(), 256);
    assert_eq!(net.named_parameters()[2].0, "fc2.weight");
    trains_one_step(net.parameters(), |x| typed(&net, x));
}

/// `net = nn.ModuleList([nn.Linear(784, 256), nn.ReLU()])`,
/// `net.append(nn.Linear(256, 10))`, `net[-1]`.
#[test]
fn module_list_with_append() {
    let layers: Vec<Box<dyn DynModule>> =
        vec![Box::new(Linear::<U784, U256>::new()), Box::new(ReLU::new())];
    let mut net = ModuleList::from_vec(layers);
    net.append(Box::new(Linear::<U256, U10>::new()));
    assert_eq!(
        net.get(-1).unwrap().to_string_repr(),
        "Linear(in_features=256, out_features=10, bias=True)"
    );
    assert_eq!(
        net.to_string(),
        "ModuleList(\n  (0): Linear(in_features=784, out_features=256, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=256, out_features=10, bias=True)\n)"
    );
    trains_one_step(net.parameters(), |x| net.forward_dyn(x));
}

/// `net = nn.ModuleDict({'hidden': nn.Linear(784, 256), 'act': nn.ReLU()})`,
/// `net['output'] = nn.Linear(256, 10)`.
#[test]
fn module_dict_with_item_assignment() {
    let mut net: ModuleDict = ModuleDict::new();
    net.insert("hidden", Box::new(Linear::<U784, U256>::new()))
        .unwrap();
    net.insert("act", Box::new(ReLU::new())).unwrap();
    net.insert("output", Box::new(Linear::<U256, U10>::new()))
        .unwrap();
    assert_eq!(
        net.to_string(),
        "ModuleDict(\n  (hidden): Linear(in_features=784, out_features=256, bias=True)\n  (act): ReLU()\n  (output): Linear(in_features=256, out_features=10, bias=True)\n)"
    );
    let forward = |x: &DynTensor| {
        let h = net["act"].forward_dyn(&net["hidden"].forward_dyn(x)?)?;
        net["output"].forward_dyn(&h)
    };
    trains_one_step(net.parameters(), forward);
}

/// ```python
/// class MLP(nn.Module):
///     def __init__(self):
///         super().__init__()
///         self.hidden = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
///         self.act = nn.ReLU()
///         self.output = nn.Linear(256, 10)
///     def forward(self, x):
///         return self.output(self.act(self.hidden(x)))
/// ```
#[derive(Module)]
#[module(name = "MLP")]
struct Mlp {
    hidden: Sequential![Linear(784, 256), ReLU],
    act: ReLU,
    output: Linear<U256, U10>,
}

impl Forward<Tensor<(Dyn, U784)>> for Mlp {
    type Output = Tensor<(Dyn, U10)>;
    fn forward(&self, x: Tensor<(Dyn, U784)>) -> Self::Output {
        self.output
            .forward(self.act.forward(self.hidden.forward(x)))
    }
}

#[test]
fn derived_struct() {
    let net = Mlp {
        hidden: sequential![Linear(784, 256), ReLU],
        act: ReLU::new(),
        output: Linear::new(),
    };
    assert_eq!(net.to_string(), pytorch_repr("mlp/hidden_act_output/1"));
    let names: Vec<String> = net.named_parameters().into_iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [
            "hidden.0.weight",
            "hidden.0.bias",
            "output.weight",
            "output.bias"
        ]
    );
    trains_one_step(net.parameters(), |x| typed(&net, x));
}

/// `module_repr` for a boxed module (what `print(net[-1])` shows).
trait ToStringRepr {
    fn to_string_repr(&self) -> String;
}

impl ToStringRepr for Box<dyn DynModule> {
    fn to_string_repr(&self) -> String {
        kiln::nn::module_repr(self.as_ref())
    }
}
