// Logits for a static batch of 32, labels for 16.
use kiln::prelude::*;

fn main() {
    let logits = Tensor::<(U32, U10)>::zeros((U32::new(), U10::new())).unwrap();
    let labels = Tensor::<(U16,), i64>::from_vec(vec![0; 16], (U16::new(),)).unwrap();
    let _loss = CrossEntropyLoss::new().forward(logits, labels);
}
