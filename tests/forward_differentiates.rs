//! Any code in a hand-written `forward` differentiates: a residual add, one
//! layer used twice, two inputs. The gradients of the typed model equal
//! those of the same computation written with the f64 functional API, and
//! that computation passes a finite-difference gradient check.

use kiln::autograd::gradcheck::{GradcheckOptions, gradcheck};
use kiln::ops::linear;
use kiln::prelude::*;

#[derive(Module)]
struct TwoInputs {
    shared: Linear<U4, U4>,
    act: ReLU,
    head: Linear<U4, U2>,
}

impl TwoInputs {
    fn forward<B: BatchDim>(&self, x: Tensor<(B, U4)>, z: Tensor<(B, U4)>) -> Tensor<(B, U2)> {
        let h = self.act.forward(self.shared.forward(x));
        // The same layer a second time, with a residual connection around it.
        let h = self.shared.forward(h.clone()) + h;
        self.head.forward(h + z)
    }
}

/// The same computation on f64 runtime tensors.
fn reference(t: &[DynTensor<f64>]) -> kiln::Result<DynTensor<f64>> {
    let (x, z, w1, b1, w2, b2) = (&t[0], &t[1], &t[2], &t[3], &t[4], &t[5]);
    let h = linear(x, w1, Some(b1))?.relu();
    let h = linear(&h, w1, Some(b1))?.add(&h)?;
    linear(&h.add(z)?, w2, Some(b2))
}

#[test]
fn residual_reuse_and_two_inputs_match_the_functional_reference() {
    manual_seed(3);
    let model = TwoInputs {
        shared: Linear::new(),
        act: ReLU::new(),
        head: Linear::new(),
    };
    let x_data: Vec<f32> = (0..12).map(|i| (i as f32 * 0.37).sin()).collect();
    let z_data: Vec<f32> = (0..12).map(|i| (i as f32 * 0.11).cos()).collect();
    let x = Tensor::<(Dyn, U4)>::from_vec(x_data.clone(), (Dyn(3), U4::new())).unwrap();
    let z = Tensor::<(Dyn, U4)>::from_vec(z_data.clone(), (Dyn(3), U4::new()))
        .unwrap()
        .requires_grad_(true);
    let out = model.forward(x, z.clone());
    out.sum().backward().unwrap();

    let as64 = |t: &DynTensor<f32>| t.cast::<f64>().requires_grad_(true);
    let params = model.parameters();
    let inputs = vec![
        DynTensor::<f64>::from_vec(x_data.iter().map(|&v| v as f64).collect(), &[3, 4]).unwrap(),
        DynTensor::<f64>::from_vec(z_data.iter().map(|&v| v as f64).collect(), &[3, 4])
            .unwrap()
            .requires_grad_(true),
        as64(&params[0]),
        as64(&params[1]),
        as64(&params[2]),
        as64(&params[3]),
    ];
    let reference_out = reference(&inputs).unwrap();
    reference_out.sum().backward().unwrap();
    let close = |a: &[f32], b: &[f64]| a.iter().zip(b).all(|(x, y)| (*x as f64 - y).abs() < 1e-5);
    assert!(close(&out.to_vec(), &reference_out.to_vec()));
    assert!(
        close(&z.grad().unwrap(), &inputs[1].grad().unwrap()),
        "gradient of the second input"
    );
    for (p, r) in params.iter().zip(&inputs[2..]) {
        assert!(
            close(&p.grad().unwrap(), &r.grad().unwrap()),
            "gradient of a parameter"
        );
    }
    // The reference itself against finite differences (PyTorch's defaults).
    gradcheck(reference, &inputs, GradcheckOptions::default()).unwrap();
}
