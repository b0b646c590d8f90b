//! The repr conformance trees built statically (sequential!, derive,
//! typed layers, ModuleList/ModuleDict) wherever Kiln has the static layer:
//! they print what PyTorch prints, as the runtime-built trees of the
//! conformance runner do (tests/conformance.rs, `repr`).

use kiln::nn::{
    Conv2d, DynModule, ELU, Hardtanh, LeakyReLU, Linear, MaxPool2d, Module, ModuleDict, ModuleList,
    ReLU, Softplus, module_repr,
};
use kiln::shape::{U1, U2, U3, U4, U10, U256, U784};
use kiln::{Sequential, sequential};

fn pytorch(case: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance/repr.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    let found = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == case);
    let case = found.unwrap_or_else(|| panic!("no case {case}"));
    case["expected"]["repr"].as_str().unwrap().to_string()
}

fn check(case: &str, m: &dyn Module) {
    assert_eq!(module_repr(m), pytorch(case), "{case}");
}

#[test]
fn leaves() {
    check(
        "linear/in_features=784,out_features=256/1",
        &Linear::<U784, U256>::new(),
    );
    check(
        "linear/in_features=10,out_features=3,bias=False/2",
        &Linear::<U10, U3>::with_bias(false),
    );
    let conv = sequential![Conv2d(1, 6, 5)];
    check(
        "conv2d/in_channels=1,out_channels=6,kernel_size=5/1",
        &conv.layers().0,
    );
    let conv = sequential![Conv2d(3, 16, 3, stride = 2, padding = 1, bias = false)];
    check(
        "conv2d/in_channels=3,out_channels=16,kernel_size=3,stride=2,padding=1,bias=False/2",
        &conv.layers().0,
    );
    let pool = sequential![MaxPool2d(2), Flatten];
    check("max_pool2d/kernel_size=2/1", &pool.layers().0);
    check("flatten/default/1", &pool.layers().1.0);
    check("relu/default/1", &ReLU::new());
    check("relu/inplace=True/2", &ReLU::new().inplace(true));
}

/// PyTorch prints each Softplus argument as it was given: `beta=2` for
/// the int, `threshold=20.0` for the float default.
#[test]
fn softplus_prints_its_arguments_as_given() {
    check("softplus/default/2", &Softplus::default());
    check("softplus/beta=2,threshold=10/1", &Softplus::new(2, 10));
    assert_eq!(
        Softplus::new(2, 20.0).to_string(),
        "Softplus(beta=2, threshold=20.0)"
    );
    assert_eq!(
        Softplus::new(2.5, 20.0).to_string(),
        "Softplus(beta=2.5, threshold=20.0)"
    );
}

/// LeakyReLU, ELU and Hardtanh print their arguments as given too:
/// `nn.Hardtanh(-2, 2)` is `Hardtanh(min_val=-2, max_val=2)` (the strings
/// without a conformance case are PyTorch 2.x's reprs of the same calls).
#[test]
fn activations_print_their_arguments_as_given() {
    check("leaky_relu/default/1", &LeakyReLU::default());
    check("leaky_relu/negative_slope=0.2/2", &LeakyReLU::new(0.2));
    check("elu/alpha=0.5/1", &ELU::new(0.5));
    check("hardtanh/default/2", &Hardtanh::default());
    check(
        "hardtanh/min_val=-2.0,max_val=2.0/1",
        &Hardtanh::new(-2.0, 2.0).unwrap(),
    );
    let given = [
        (LeakyReLU::new(1).to_string(), "LeakyReLU(negative_slope=1)"),
        (ELU::default().to_string(), "ELU(alpha=1.0)"),
        (ELU::new(2).to_string(), "ELU(alpha=2)"),
        (
            Hardtanh::new(-2, 2).unwrap().to_string(),
            "Hardtanh(min_val=-2, max_val=2)",
        ),
        (
            Hardtanh::new(-2.5, 2).unwrap().to_string(),
            "Hardtanh(min_val=-2.5, max_val=2)",
        ),
    ];
    for (got, want) in given {
        assert_eq!(got, want);
    }
}

#[test]
fn sequentials() {
    check(
        "sequential/seed_mlp/1",
        &sequential![Linear(784, 256), ReLU, Linear(256, 10)],
    );
    check(
        "sequential/ordered_dict_names/2",
        &sequential![fc1: Linear(784, 256), relu1: ReLU, fc2: Linear(256, 10)],
    );
    let lenet = sequential![
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
    check("sequential/lenet5/3", &lenet);
}

#[test]
fn module_lists_and_dicts() {
    let mut repeated: ModuleList = (0..3)
        .map(|_| Box::new(Linear::<U4, U4>::new()) as Box<dyn DynModule>)
        .collect();
    repeated.append(Box::new(ReLU::new()));
    check("module_list/repeated_block/1", &repeated);
    let distinct: ModuleList = ModuleList::from_vec(vec![
        Box::new(Linear::<U2, U3>::new()),
        Box::new(ReLU::new()),
        Box::new(Linear::<U3, U1>::new()),
    ]);
    check("module_list/distinct/2", &distinct);
    check("module_list/empty/3", &ModuleList::<ReLU>::new());

    let mut dict: ModuleDict = ModuleDict::new();
    dict.insert("conv", Box::new(Conv2d::<U1, U2, U3>::new()))
        .unwrap();
    dict.insert("pool", Box::new(MaxPool2d::<U2>::new()))
        .unwrap();
    dict.insert("act", Box::new(ReLU::new())).unwrap();
    check("module_dict/three_entries/1", &dict);
    // Names known at compile time: a derived struct prints the same.
    check(
        "module_dict/three_entries/1",
        &Heads {
            conv: Conv2d::new(),
            pool: MaxPool2d::new(),
            act: ReLU::new(),
        },
    );
}

/// The typed, compile-time-named twin of a ModuleDict: `heads.conv` in
/// Rust, `conv.weight` in the state_dict, `(conv): ...` in the printout.
#[derive(kiln::Module)]
#[module(name = "ModuleDict")]
struct Heads {
    conv: Conv2d<U1, U2, U3>,
    pool: MaxPool2d<U2>,
    act: ReLU,
}

/// The seed's `MLP(nn.Module)` with `hidden`, `act`, `output`.
#[derive(kiln::Module)]
#[module(name = "MLP")]
struct Mlp {
    hidden: Sequential![Linear(784, 256), ReLU],
    act: ReLU,
    output: Linear<U256, U10>,
}

#[test]
fn derived_struct() {
    let mlp = Mlp {
        hidden: sequential![Linear(784, 256), ReLU],
        act: ReLU::new(),
        output: Linear::new(),
    };
    check("mlp/hidden_act_output/1", &mlp);
}
