//! A safetensors file on arbitrary bytes, parsed and loaded into a small
//! `sequential!` model (strict and non-strict), then run: errors are fine,
//! panics are not, and a failed load leaves the model unchanged.
#![no_main]

use kiln::nn::load_safetensors_bytes_into;
use kiln::prelude::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((tensors, _)) = nncore::io::load_safetensors_bytes(data, "fuzz") {
        for t in &tensors {
            assert_eq!(t.data.len(), t.shape.iter().product::<usize>());
        }
    }
    let model = sequential![Linear(4, 3), ReLU, Linear(3, 2)];
    let before: Vec<Vec<f32>> = model.parameters().iter().map(|p| p.to_vec()).collect();
    for strict in [true, false] {
        match load_safetensors_bytes_into(&model, data, "fuzz.safetensors", strict) {
            Ok(_) => {
                let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).expect("a small tensor");
                let y = no_grad(|| model.forward(x));
                assert_eq!(y.to_vec().len(), 4);
            }
            Err(_) => {
                let after: Vec<Vec<f32>> = model.parameters().iter().map(|p| p.to_vec()).collect();
                // Compare bit patterns: loaded NaNs are not equal to themselves.
                let bits = |v: &Vec<Vec<f32>>| -> Vec<Vec<u32>> {
                    v.iter()
                        .map(|t| t.iter().map(|x| x.to_bits()).collect())
                        .collect()
                };
                if strict {
                    assert_eq!(
                        bits(&before),
                        bits(&after),
                        "a failed load changed the model"
                    );
                }
            }
        }
    }
});
