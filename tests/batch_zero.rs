//! A batch of 0 through every layer and loss gives what PyTorch 2.15 gives
//! (the shapes and values below were printed by PyTorch for the same
//! layers on `torch.zeros(0, ...)`): an empty output of the right shape,
//! never a panic. BatchNorm in training passes an empty batch through
//! (PyTorch refuses only exactly one value per channel); losses give
//! `nan` for the mean, 0 for the sum and an empty tensor for `none`.

use kiln::LongTensor;
use kiln::loss::{BCELoss, BCEWithLogitsLoss, HuberLoss, KLDivLoss, L1Loss, NLLLoss, SmoothL1Loss};
use kiln::nn::{
    AdaptiveAvgPool2d, AvgPool2d, AvgPool2dCeil, BatchNorm1d, BatchNorm2d, Conv1d, ConvTranspose2d,
    Dropout, Dropout2d, ELU, Embedding, GELU, Hardtanh, Identity, LayerNorm, LeakyReLU, LogSoftmax,
    MaxPool2d, MaxPool2dCeil, SiLU, Sigmoid, Softmax, Softplus, Tanh, Unflatten,
};
use kiln::prelude::*;

type Images = Tensor<(Dyn, U3, U8, U8)>;
type Rows = Tensor<(Dyn, U4)>;

fn images() -> Images {
    Tensor::zeros((Dyn(0), U3::new(), U8::new(), U8::new())).unwrap()
}

fn rows() -> Rows {
    Tensor::zeros((Dyn(0), U4::new())).unwrap()
}

/// `y` is empty with PyTorch's shape, and a backward through it works.
fn check<S: Shape>(y: Tensor<S>, shape: &[usize]) {
    assert_eq!(y.dims().as_slice(), shape);
    assert!(y.to_vec().is_empty());
}

#[test]
fn linear_and_conv_layers_give_an_empty_batch() {
    check(Linear::<U4, U2>::new().forward(rows()), &[0, 2]);
    check(Conv2d::<U3, U2, U3>::new().forward(images()), &[0, 2, 6, 6]);
    let seq = Tensor::<(Dyn, U3, U10)>::zeros((Dyn(0), U3::new(), U10::new())).unwrap();
    check(Conv1d::<U3, U2, U3>::new().forward(seq), &[0, 2, 8]);
    check(
        ConvTranspose2d::<U3, U2, U3>::new().forward(images()),
        &[0, 2, 10, 10],
    );
}

#[test]
fn pooling_layers_give_an_empty_batch() {
    check(MaxPool2d::<U2>::new().forward(images()), &[0, 3, 4, 4]);
    check(MaxPool2dCeil::<U2>::new().forward(images()), &[0, 3, 4, 4]);
    check(AvgPool2d::<U2>::new().forward(images()), &[0, 3, 4, 4]);
    check(AvgPool2dCeil::<U2>::new().forward(images()), &[0, 3, 4, 4]);
    check(
        AdaptiveAvgPool2d::<U2, U2>::new().forward(images()),
        &[0, 3, 2, 2],
    );
}

#[test]
fn normalisation_in_training_and_eval_gives_an_empty_batch() {
    // PyTorch: an empty output, running statistics unchanged, and
    // num_batches_tracked counts the batch.
    let mut bn = BatchNorm2d::<U3>::new();
    check(bn.forward(images()), &[0, 3, 8, 8]);
    assert_eq!(bn.running_mean().unwrap().to_vec(), [0.0; 3]);
    assert_eq!(bn.running_var().unwrap().to_vec(), [1.0; 3]);
    assert_eq!(bn.num_batches_tracked(), Some(1));
    bn.eval();
    check(bn.forward(images()), &[0, 3, 8, 8]);
    let mut bn1 = BatchNorm1d::<U3>::new();
    let x = Tensor::<(Dyn, U3)>::zeros((Dyn(0), U3::new())).unwrap();
    check(bn1.forward(x.clone()), &[0, 3]);
    bn1.eval();
    check(bn1.forward(x), &[0, 3]);
    check(LayerNorm::new(&[4]).forward(rows()), &[0, 4]);
}

#[test]
fn one_value_per_channel_in_training_is_still_refused() {
    let bn = BatchNorm1d::<U3>::new();
    let x = DynTensor::<f32>::zeros(&[1, 3]).unwrap();
    assert_eq!(
        bn.forward_dyn(&x).unwrap_err().to_string(),
        "BatchNorm1d: invalid input: Expected more than 1 value per channel when training, got input size [1, 3]"
    );
}

#[test]
fn elementwise_layers_give_an_empty_batch() {
    check(ReLU::new().forward(rows()), &[0, 4]);
    check(ELU::new(1.0).forward(rows()), &[0, 4]);
    check(GELU::new().forward(rows()), &[0, 4]);
    check(Hardtanh::new(-1.0, 1.0).unwrap().forward(rows()), &[0, 4]);
    check(Identity::new().forward(rows()), &[0, 4]);
    check(LeakyReLU::new(0.01).forward(rows()), &[0, 4]);
    check(SiLU::new().forward(rows()), &[0, 4]);
    check(Sigmoid::new().forward(rows()), &[0, 4]);
    check(Tanh::new().forward(rows()), &[0, 4]);
    check(Softplus::new(1.0, 20.0).forward(rows()), &[0, 4]);
    check(Softmax::new(1).forward(rows()), &[0, 4]);
    check(LogSoftmax::new(1).forward(rows()), &[0, 4]);
    check(Dropout::new(0.5).unwrap().forward(rows()), &[0, 4]);
    check(
        Dropout2d::new(0.5).unwrap().forward(images()),
        &[0, 3, 8, 8],
    );
}

#[test]
fn reshaping_layers_and_embedding_give_an_empty_batch() {
    check(Flatten::new().forward(images()), &[0, 192]);
    check(Unflatten::<(U2, U2)>::new().forward(rows()), &[0, 2, 2]);
    let ids = LongTensor::from_vec(vec![], &[0]).unwrap();
    let y = Embedding::new(5, 2).forward(&ids);
    assert_eq!(y.shape(), &[0, 2]);
}

#[test]
fn a_whole_model_trains_a_step_on_an_empty_batch() {
    let model = sequential![
        Conv2d(3, 2, 3),
        BatchNorm2d(2),
        ReLU,
        MaxPool2d(2),
        Flatten,
        Linear(18, 10)
    ];
    let y = model.forward(images());
    check(y.clone(), &[0, 10]);
    let labels = Tensor::<(Dyn,), i64>::from_vec(vec![], (Dyn(0),)).unwrap();
    let loss = CrossEntropyLoss::new().forward(y, labels).unwrap();
    assert!(loss.item().is_nan(), "PyTorch: tensor(nan)");
    loss.backward().unwrap();
    // Nothing flowed: every gradient is zero.
    for (name, p) in model.named_parameters() {
        let g = p.grad().unwrap_or_default();
        assert!(g.iter().all(|&v| v == 0.0), "{name}: {g:?}");
    }
}

#[test]
fn losses_of_an_empty_batch_match_pytorch() {
    let x = DynTensor::<f32>::zeros(&[0, 4]).unwrap();
    let t = LongTensor::from_vec(vec![], &[0]).unwrap();
    let reductions = [(Reduction::Mean, None), (Reduction::Sum, Some(0.0))];
    for (reduction, expected) in reductions {
        let values = [
            CrossEntropyLoss::new()
                .reduction(reduction)
                .forward_dyn(&x, &t),
            NLLLoss::new().reduction(reduction).forward_dyn(&x, &t),
            MSELoss::new().reduction(reduction).forward_dyn(&x, &x),
            L1Loss::new().reduction(reduction).forward_dyn(&x, &x),
            SmoothL1Loss::new().reduction(reduction).forward_dyn(&x, &x),
            HuberLoss::new().reduction(reduction).forward_dyn(&x, &x),
            BCELoss::new().reduction(reduction).forward_dyn(&x, &x),
            BCEWithLogitsLoss::new()
                .reduction(reduction)
                .forward_dyn(&x, &x),
            KLDivLoss::new().reduction(reduction).forward_dyn(&x, &x),
        ];
        for (i, v) in values.into_iter().enumerate() {
            let v = v.unwrap().item();
            match expected {
                None => assert!(v.is_nan(), "loss {i} {reduction:?}: {v}"),
                Some(e) => assert_eq!(v, e, "loss {i} {reduction:?}"),
            }
        }
    }
    let none = CrossEntropyLoss::new()
        .reduction(Reduction::None)
        .forward_dyn(&x, &t)
        .unwrap();
    assert_eq!(none.shape(), &[0]);
}
