//! PyTorch's `nn.Module` API on a model mixing a derived struct, a
//! Sequential, a ModuleList, a ModuleDict and runtime-built layers.

use kiln::loss::{CrossEntropyLoss, Loss};
use kiln::nn::dynamic::{LayerOptions, build_layer};
use kiln::nn::{Buffer, DynForward, Linear, Module, ModuleDict, ModuleExt, ModuleList, Parameter};
use kiln::optim::{SGD, SgdOptions};
use kiln::shape::{U3, U4};
use kiln::{DynTensor, LongTensor, Sequential, sequential};

#[derive(kiln::Module)]
struct Net {
    stem: Sequential![Linear(4, 4), ReLU],
    blocks: ModuleList<Linear<U4, U4>>,
    heads: ModuleDict,
    #[module(buffer)]
    steps: Buffer,
}

fn net() -> Net {
    let mut heads: ModuleDict = ModuleDict::new();
    heads
        .insert("out", Box::new(Linear::<U4, U3>::new()))
        .unwrap();
    let dropout = build_layer("Dropout", &LayerOptions::new().with("p", 0.5)).unwrap();
    heads.insert("drop", dropout).unwrap();
    Net {
        stem: sequential![Linear(4, 4), ReLU],
        blocks: (0..2).map(|_| Linear::new()).collect(),
        heads,
        steps: Buffer::new(vec![0.0], &[1]),
    }
}

impl Net {
    fn forward(&self, x: &DynTensor) -> kiln::Result<DynTensor> {
        let x = self.stem.layers().0.forward_dyn(x)?.relu();
        let x = self.blocks.iter().try_fold(x, |x, b| b.forward_dyn(&x))?;
        self.heads["out"].forward_dyn(&x)
    }
}

fn names<T>(items: Vec<(String, T)>) -> Vec<String> {
    items.into_iter().map(|(n, _)| n).collect()
}

#[test]
fn names_follow_pytorch() {
    let net = net();
    assert_eq!(
        names(net.named_parameters()),
        [
            "stem.0.weight",
            "stem.0.bias",
            "blocks.0.weight",
            "blocks.0.bias",
            "blocks.1.weight",
            "blocks.1.bias",
            "heads.out.weight",
            "heads.out.bias",
        ]
    );
    assert_eq!(names(net.named_buffers()), ["steps"]);
    assert_eq!(net.buffers().len(), 1);
    assert_eq!(names(net.named_children()), ["stem", "blocks", "heads"]);
    assert_eq!(net.children().len(), 3);
    assert_eq!(
        names(net.named_modules()),
        [
            "",
            "stem",
            "stem.0",
            "stem.1",
            "blocks",
            "blocks.0",
            "blocks.1",
            "heads",
            "heads.out",
            "heads.drop"
        ]
    );
    assert_eq!(net.modules().len(), 10);
    assert_eq!(net.num_parameters(), (16 + 4) * 3 + 12 + 3);
    // The state_dict: each module's parameters, then its buffers, then its children.
    assert_eq!(net.state_dict()[0].0, "steps");
}

#[test]
fn apply_reinitialises_every_linear() {
    let net = net();
    net.apply(&mut |m: &dyn Module| {
        if m.type_name() == "Linear" {
            for (_, p) in m.own_parameters() {
                kiln::init::constant_(p, 0.25);
            }
        }
    });
    assert!(
        net.parameters()
            .iter()
            .all(|p| p.to_vec().iter().all(|v| *v == 0.25))
    );
}

#[test]
fn frozen_parameters_get_no_gradient_and_sgd_skips_them() {
    let net = net();
    net.stem.requires_grad_(false);
    let frozen: Vec<Vec<f32>> = net.stem.parameters().iter().map(|p| p.to_vec()).collect();
    let head_before = net.heads["out"].own_parameters()[0].1.to_vec();
    let mut opt = SGD::new(
        net.parameters(),
        SgdOptions {
            lr: 0.5,
            ..Default::default()
        },
    )
    .unwrap();
    let x = DynTensor::randn(&[6, 4]).unwrap();
    let y = LongTensor::from_vec(vec![0, 1, 2, 0, 1, 2], &[6]).unwrap();
    let loss = CrossEntropyLoss::new()
        .forward_dyn(&net.forward(&x).unwrap(), &y)
        .unwrap();
    loss.backward().unwrap();
    assert!(net.stem.parameters().iter().all(|p| p.grad().is_none()));
    assert!(net.blocks.parameters().iter().all(|p| p.grad().is_some()));
    opt.step().unwrap();
    let after: Vec<Vec<f32>> = net.stem.parameters().iter().map(|p| p.to_vec()).collect();
    assert_eq!(after, frozen);
    assert_ne!(net.heads["out"].own_parameters()[0].1.to_vec(), head_before);

    net.zero_grad();
    assert!(net.parameters().iter().all(|p| p.grad().is_none()));
    net.stem.requires_grad_(true);
    assert!(net.parameters().iter().all(|p| p.requires_grad()));
}

#[test]
fn train_and_eval_reach_every_submodule() {
    let mut net = net();
    net.eval();
    assert!(net.modules().iter().all(|m| !m.is_training()));
    // Dropout built at run time inside the dict is now the identity.
    let x = DynTensor::ones(&[100]).unwrap();
    assert_eq!(
        net.heads["drop"].forward_dyn(&x).unwrap().to_vec(),
        x.to_vec()
    );
    net.train();
    assert!(net.modules().iter().all(|m| m.is_training()));
}

#[test]
fn load_state_dict_strict_and_not() {
    let (a, b) = (net(), net());
    a.load_state_dict(&b.state_dict(), true).unwrap();
    let values = |n: &Net| {
        n.parameters()
            .iter()
            .map(|p| p.to_vec())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&a), values(&b));

    let mut partial = b.state_dict();
    partial.retain(|(k, _)| k.starts_with("blocks."));
    partial.push(("extra.weight".into(), DynTensor::zeros(&[1]).unwrap()));
    let before = values(&a);
    let err = a.load_state_dict(&partial, true).unwrap_err().to_string();
    assert_eq!(
        err,
        "load_state_dict: tensor `steps`: missing from the state_dict (5 missing in all)"
    );
    assert_eq!(values(&a), before);
    let report = a.load_state_dict(&partial, false).unwrap();
    assert_eq!(
        report.missing_keys,
        [
            "steps",
            "stem.0.weight",
            "stem.0.bias",
            "heads.out.weight",
            "heads.out.bias"
        ]
    );
    assert_eq!(report.unexpected_keys, ["extra.weight"]);
}

#[test]
fn a_parameter_is_a_shared_handle() {
    let net = net();
    let p: Parameter = net.blocks[0].weight().clone();
    p.data_mut()[0] = 42.0;
    assert_eq!(net.named_parameters()[2].1.to_vec()[0], 42.0);
}
