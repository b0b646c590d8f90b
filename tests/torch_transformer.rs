//! A `TransformerEncoder` state_dict saved by PyTorch (tests/data/torch,
//! written by scripts/make_transformer_fixture.py) loads by PyTorch's names
//! into Kiln's `TransformerEncoder` and gives PyTorch's outputs in eval
//! mode, without a mask, with a key padding mask and with the causal mask
//! (float32, within 1e-5).

use kiln::DynTensor;
use kiln::io::load_safetensors;
use kiln::nn::{
    Activation, EncoderForward, LayerNorm, ModuleExt, PyNumber, TransformerEncoder,
    TransformerEncoderLayer, TransformerLayerArgs, generate_square_subsequent_mask,
};
use kiln::ops::BoolMask;
use std::path::PathBuf;

fn data(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/torch")
        .join(file)
}

fn io(name: &str) -> DynTensor {
    let (tensors, _) =
        load_safetensors(data("transformer_encoder.io.safetensors")).expect("fixture loads");
    let t = tensors
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no `{name}`"));
    DynTensor::from_vec(t.data, &t.shape).unwrap()
}

fn assert_close(what: &str, actual: &DynTensor, expected: &DynTensor) {
    assert_eq!(actual.shape(), expected.shape(), "{what}: shape");
    for (i, (a, e)) in actual.to_vec().iter().zip(expected.to_vec()).enumerate() {
        assert!((a - e).abs() <= 1e-5, "{what}[{i}]: Kiln {a}, PyTorch {e}");
    }
}

#[test]
fn a_pytorch_transformer_encoder_loads_and_gives_pytorchs_outputs() {
    let args = TransformerLayerArgs {
        dim_feedforward: 16,
        dropout: PyNumber::Float(0.1),
        activation: Activation::Gelu,
        batch_first: true,
        ..TransformerLayerArgs::new(8, 2)
    };
    let layer = TransformerEncoderLayer::new(args).unwrap();
    let mut encoder = TransformerEncoder::new(&layer, 2, Some(LayerNorm::new(&[8]))).unwrap();
    encoder
        .load(data("transformer_encoder.safetensors"))
        .expect("PyTorch's names and shapes");
    encoder.eval();
    let x = io("input");
    assert_close(
        "output",
        &encoder.forward(&x, EncoderForward::new()).unwrap(),
        &io("output"),
    );
    let pad = io("key_padding_mask")
        .to_vec()
        .iter()
        .map(|&v| v != 0.0)
        .collect();
    let pad = BoolMask::new(pad, &[3, 5]).unwrap();
    let y = encoder
        .forward(&x, EncoderForward::new().src_key_padding_mask(&pad))
        .unwrap();
    assert_close("output_padded", &y, &io("output_padded"));
    let causal = generate_square_subsequent_mask(5);
    let y = encoder
        .forward(&x, EncoderForward::new().src_mask(&causal).is_causal(true))
        .unwrap();
    assert_close("output_causal", &y, &io("output_causal"));
}
