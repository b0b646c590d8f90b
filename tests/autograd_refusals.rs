//! What PyTorch's autograd refuses, Kiln refuses in a training loop: a
//! backward after an optimizer step changed a weight the forward used (the
//! two-optimizer loop of a GAN), after an in-place init, or a second
//! backward through a released graph; and what it accepts still works
//! (the plain loop, gradient accumulation, a retained graph, layers that
//! change their own buffers or weights before using them).

use kiln::prelude::*;

const HINT: &str = "Hint: it was changed in place (an optimizer step, an init function, \
load_state_dict or data_mut) after the forward pass that saved it; call backward() before \
the change, or run the forward pass again after it.";

struct Setup {
    model: Linear<U3, U4>,
    opt: SGD,
    x: Tensor<(Dyn, U3)>,
    target: Tensor<(Dyn, U4)>,
}

fn setup() -> Setup {
    manual_seed(0);
    let model = Linear::<U3, U4>::new();
    let options = SgdOptions {
        lr: 0.1,
        ..Default::default()
    };
    let opt = SGD::new(model.parameters(), options).unwrap();
    let x = Tensor::<(Dyn, U3)>::randn((Dyn(2), U3::new()))
        .unwrap()
        .requires_grad_(true);
    let target = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    Setup {
        model,
        opt,
        x,
        target,
    }
}

impl Setup {
    fn loss(&self) -> Tensor<()> {
        MSELoss::new()
            .forward(self.model.forward(self.x.clone()), self.target.clone())
            .unwrap()
    }
}

#[test]
fn a_backward_after_an_optimizer_step_is_refused() {
    let mut s = setup();
    // The GAN pattern: two losses over one forward, a step between them.
    let (first, second) = (s.loss(), s.loss());
    // Initialised in place: version 1, as `nn.Linear(3, 4).weight._version`.
    assert_eq!(s.model.weight().version(), 1);
    first.backward().unwrap();
    s.opt.step().unwrap();
    assert_eq!(s.model.weight().version(), 2);
    let err = second.backward().unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "autograd: one of the variables needed for gradient computation has been modified \
             by an inplace operation: [float32 [4, 3]], which is input 1 of AddmmBackward, is at \
             version 2; expected version 1 instead. {HINT}"
        )
    );
}

#[test]
fn an_in_place_init_between_forward_and_backward_is_refused() {
    let s = setup();
    let loss = s.loss();
    kiln::init::normal_(s.model.weight(), 0.0, 1.0);
    let err = loss.backward().unwrap_err().to_string();
    assert!(
        err.contains("[float32 [4, 3]], which is input 1 of AddmmBackward, is at version 2"),
        "{err}"
    );
}

#[test]
fn the_plain_loop_and_gradient_accumulation_still_work() {
    let mut s = setup();
    let mut losses = Vec::new();
    for _ in 0..5 {
        s.opt.zero_grad();
        let loss = s.loss();
        loss.backward().unwrap();
        s.opt.step().unwrap();
        losses.push(loss.item());
    }
    assert!(losses[4] < losses[0], "{losses:?}");
    assert_eq!(s.model.weight().version(), 1 + 5, "one bump per step");

    // Two forwards, two backwards, one step: the gradients add up.
    s.opt.zero_grad();
    s.loss().backward().unwrap();
    let once = s.model.weight().grad().unwrap();
    s.opt.zero_grad();
    let (a, b) = (s.loss(), s.loss());
    a.backward().unwrap();
    b.backward().unwrap();
    let twice = s.model.weight().grad().unwrap();
    for (t, o) in twice.iter().zip(&once) {
        assert!((t - 2.0 * o).abs() < 1e-6, "{t} vs 2 × {o}");
    }
    s.opt.step().unwrap();
}

#[test]
fn a_retained_graph_takes_a_second_backward_and_a_released_one_does_not() {
    let s = setup();
    let loss = s.loss();
    loss.backward_with_options(BackwardOptions::default().retain_graph(true))
        .unwrap();
    let once = s.x.grad().unwrap();
    loss.backward().unwrap();
    let twice = s.x.grad().unwrap();
    for (t, o) in twice.iter().zip(&once) {
        assert!((t - 2.0 * o).abs() < 1e-6, "{t} vs 2 × {o}");
    }
    let err = loss.backward().unwrap_err().to_string();
    assert!(
        err.contains("Trying to backward through the graph a second time"),
        "{err}"
    );
}

#[test]
fn an_embedding_with_max_norm_looked_up_twice_back_propagates() {
    // The second lookup renormalises the weight in place after the first
    // saved its rows' indices; as in PyTorch, the embedding's backward does
    // not read the weight, so this is not refused.
    manual_seed(0);
    let emb = Embedding::new(5, 3).max_norm(Some(0.5), 2.0);
    let a = emb.lookup(&LongTensor::from_slice(&[0, 1])).unwrap();
    let b = emb.lookup(&LongTensor::from_slice(&[1, 2])).unwrap();
    assert!(emb.weight().version() > 0);
    a.add(&b).unwrap().sum().backward().unwrap();
    let grad = emb.weight().grad().unwrap();
    assert_eq!(&grad[..9], &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0]);
}

#[test]
fn an_lstm_refuses_a_changed_weight_and_a_released_graph_like_any_op() {
    // Each layer and direction of a recurrent layer is one fused op; it
    // saves its input and weights as PyTorch's fused RNN ops do.
    manual_seed(0);
    let lstm = kiln::nn::LSTM::new(3, 4).unwrap();
    let x = DynTensor::<f32>::randn(&[5, 2, 3])
        .unwrap()
        .requires_grad_(true);
    let loss = || lstm.forward(&x, None).unwrap().0.sum();

    let retained = loss();
    retained
        .backward_with_options(BackwardOptions::default().retain_graph(true))
        .unwrap();
    let once = x.grad().unwrap();
    retained.backward().unwrap();
    let twice = x.grad().unwrap();
    for (t, o) in twice.iter().zip(&once) {
        assert!((t - 2.0 * o).abs() < 1e-6, "{t} vs 2 × {o}");
    }
    let err = retained.backward().unwrap_err().to_string();
    assert!(
        err.contains("Trying to backward through the graph a second time"),
        "{err}"
    );

    let changed = loss();
    let weight_hh = lstm.parameter("weight_hh_l0").unwrap();
    kiln::init::normal_(weight_hh, 0.0, 1.0);
    let err = changed.backward().unwrap_err().to_string();
    assert!(
        err.contains("[float32 [16, 4]], which is input 2 of LstmBackward, is at version 2"),
        "{err}"
    );
}
