//! The attention layers: parameter names, initialisation, printouts,
//! module arguments and errors (the numbers are PyTorch's conformance
//! cases, `tests/data/conformance/sequence.json`, and
//! `tests/torch_transformer.rs`).

use super::*;
use crate::nn::dynamic::{LayerOptions, OptValue, build_layer};
use crate::nn::{DynForward, ModuleExt};
use crate::ops::BoolMask;
use crate::{DynTensor, manual_seed};

fn names(m: &dyn crate::nn::Module) -> Vec<String> {
    m.named_parameters().into_iter().map(|(n, _)| n).collect()
}

#[test]
fn multihead_attention_has_pytorchs_parameters_and_initialisation() {
    let spec = MultiheadAttentionSpec {
        kdim: Some(6),
        vdim: Some(3),
        add_bias_kv: true,
        ..MultiheadAttentionSpec::new(8, 2).unwrap()
    };
    let mha = MultiheadAttention::from_spec(spec);
    assert_eq!(
        names(&mha),
        [
            "q_proj_weight",
            "k_proj_weight",
            "v_proj_weight",
            "in_proj_bias",
            "bias_k",
            "bias_v",
            "out_proj.weight",
            "out_proj.bias"
        ]
    );
    let shapes: Vec<Vec<usize>> = mha
        .named_parameters()
        .iter()
        .map(|(_, p)| p.shape().to_vec())
        .collect();
    assert_eq!(shapes[..3], [vec![8, 8], vec![8, 6], vec![8, 3]]);
    assert_eq!(shapes[4], [1, 1, 8]);
    // Zero biases; xavier_uniform: |w| <= sqrt(6 / (fan_in + fan_out)).
    let p = |name: &str| {
        mha.named_parameters()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
            .to_vec()
    };
    assert!(
        p("in_proj_bias")
            .iter()
            .chain(&p("out_proj.bias"))
            .all(|&b| b == 0.0)
    );
    let bound = (6.0f32 / (8.0 + 6.0)).sqrt();
    assert!(p("k_proj_weight").iter().all(|w| w.abs() <= bound));
    let packed = MultiheadAttention::new(4, 2).unwrap();
    let bound = (6.0f32 / (4.0 + 12.0)).sqrt();
    let w = packed.named_parameters()[0].1.to_vec();
    assert!(w.iter().all(|w| w.abs() <= bound) && w.iter().any(|w| w.abs() > 0.8 * bound));
    let no_bias = MultiheadAttention::from_spec(MultiheadAttentionSpec {
        bias: false,
        ..spec
    });
    assert_eq!(
        names(&no_bias),
        [
            "q_proj_weight",
            "k_proj_weight",
            "v_proj_weight",
            "bias_k",
            "bias_v",
            "out_proj.weight"
        ]
    );
    assert_eq!(
        no_bias.to_string(),
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)"
    );
}

#[test]
fn constructor_errors_are_pytorchs() {
    let err = |e, h| MultiheadAttention::new(e, h).err().unwrap().to_string();
    assert_eq!(
        err(0, 2),
        "MultiheadAttention: invalid embed_dim: embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead"
    );
    assert_eq!(
        err(10, 4),
        "MultiheadAttention: invalid num_heads: embed_dim must be divisible by num_heads (embed_dim=10, num_heads=4)"
    );
    let o = LayerOptions::new()
        .with("d_model", 8)
        .with("nhead", 2)
        .with("activation", "tanh");
    assert_eq!(
        build_layer("TransformerEncoderLayer", &o)
            .err()
            .unwrap()
            .to_string(),
        "TransformerEncoderLayer: invalid activation: activation should be relu/gelu, not tanh"
    );
    let o = LayerOptions::new().with("d_model", 10).with("nhead", 4);
    assert_eq!(
        build_layer("TransformerDecoderLayer", &o)
            .err()
            .unwrap()
            .to_string(),
        "MultiheadAttention: invalid num_heads: embed_dim must be divisible by num_heads (embed_dim=10, num_heads=4)"
    );
    let o = LayerOptions::new()
        .with("embed_dim", 8)
        .with("num_heads", 2)
        .with("dropout", 1.5);
    assert_eq!(
        build_layer("MultiheadAttention", &o)
            .err()
            .unwrap()
            .to_string(),
        "MultiheadAttention: invalid dropout: dropout probability has to be between 0 and 1, but got 1.5"
    );
}

fn layer_options(d: i64) -> LayerOptions {
    LayerOptions::new()
        .with("d_model", d)
        .with("nhead", 2)
        .with("dim_feedforward", 6)
}

#[test]
fn a_transformer_encoder_is_built_from_module_arguments() {
    let norm = OptValue::Module(
        "LayerNorm".into(),
        LayerOptions::new().with("normalized_shape", 4),
    );
    let o = LayerOptions::new()
        .with(
            "encoder_layer",
            OptValue::Module("TransformerEncoderLayer".into(), layer_options(4)),
        )
        .with("num_layers", 2)
        .with("norm", norm);
    let enc = build_layer("TransformerEncoder", &o).unwrap();
    let names = names(enc.as_ref());
    assert_eq!(names.len(), 2 * 12 + 2);
    assert_eq!(names[0], "layers.0.self_attn.in_proj_weight");
    assert_eq!(names[25], "norm.bias");
    // PyTorch deep-copies the layer: both start equal.
    let p = enc.named_parameters();
    assert_eq!(p[2].1.to_vec(), p[14].1.to_vec());
    let repr = crate::nn::module_repr(enc.as_ref());
    assert!(repr.contains("  (layers): ModuleList(\n    (0-1): 2 x TransformerEncoderLayer(\n"));
    let bad = o.clone().with(
        "norm",
        OptValue::Module("BatchNorm1d".into(), LayerOptions::new()),
    );
    assert_eq!(
        build_layer("TransformerEncoder", &bad)
            .err()
            .unwrap()
            .to_string(),
        "TransformerEncoder: invalid norm: BatchNorm1d(...) is not a LayerNorm (Kiln builds this argument only as a LayerNorm)"
    );
    let bad = o.with("encoder_layer", 3);
    assert_eq!(
        build_layer("TransformerEncoder", &bad)
            .err()
            .unwrap()
            .to_string(),
        "TransformerEncoder: invalid encoder_layer: 3 is not a TransformerEncoderLayer (Kiln builds this argument only as a TransformerEncoderLayer)"
    );
}

#[test]
fn eval_turns_dropout_off_and_masks_take_effect() {
    let o = layer_options(4).with("dropout", 0.5);
    let mut layer = build_layer("TransformerEncoderLayer", &o).unwrap();
    manual_seed(1);
    let x = DynTensor::randn(&[3, 2, 4]).unwrap();
    layer.eval();
    let a = layer.forward_dyn(&x).unwrap().to_vec();
    assert_eq!(a, layer.forward_dyn(&x).unwrap().to_vec());
    layer.train();
    assert_ne!(a, layer.forward_dyn(&x).unwrap().to_vec());
    // A padded key changes nothing for the others' outputs once masked.
    let enc = TransformerEncoderLayer::new(TransformerLayerArgs {
        dropout: crate::nn::PyNumber::Float(0.0),
        dim_feedforward: 6,
        ..TransformerLayerArgs::new(4, 2)
    })
    .unwrap();
    let pad = BoolMask::new(vec![false, false, true, false, false, true], &[2, 3]).unwrap();
    let y = enc
        .forward(&x, EncoderForward::new().src_key_padding_mask(&pad))
        .unwrap();
    let mut x2 = x.to_vec();
    x2[2 * 8..].iter_mut().for_each(|v| *v += 1.0); // position 2 of both samples
    let x2 = DynTensor::from_vec(x2, &[3, 2, 4]).unwrap();
    let y2 = enc
        .forward(&x2, EncoderForward::new().src_key_padding_mask(&pad))
        .unwrap();
    assert_eq!(y.to_vec()[..16], y2.to_vec()[..16]);
}

#[test]
fn decoders_need_memory_and_the_transformer_checks_features() {
    let dec = build_layer("TransformerDecoderLayer", &layer_options(4)).unwrap();
    assert_eq!(
        dec.forward_dyn(&DynTensor::zeros(&[2, 1, 4]).unwrap())
            .unwrap_err()
            .to_string(),
        "TransformerDecoderLayer: invalid memory: a decoder's forward takes (tgt, memory): call forward(tgt, memory, ..)"
    );
    let t = Transformer::new(
        TransformerLayerArgs {
            dim_feedforward: 6,
            ..TransformerLayerArgs::new(4, 2)
        },
        1,
        1,
    )
    .unwrap();
    let (src, tgt) = (
        DynTensor::zeros(&[3, 2, 4]).unwrap(),
        DynTensor::zeros(&[2, 2, 5]).unwrap(),
    );
    assert_eq!(
        t.forward(&src, &tgt, TransformerForward::default())
            .unwrap_err()
            .to_string(),
        "Transformer: invalid tgt: the feature number of src and tgt must be equal to d_model"
    );
    // _reset_parameters: every matrix xavier_uniform, the biases kept.
    let w = t
        .named_parameters()
        .into_iter()
        .find(|(n, _)| n == "encoder.layers.0.linear1.weight")
        .unwrap()
        .1;
    let bound = (6.0f32 / (4.0 + 6.0)).sqrt();
    assert!(w.to_vec().iter().all(|v| v.abs() <= bound));
    let names = names(&t);
    assert_eq!(names.len(), 12 + 2 + 18 + 2);
    assert!(names.contains(&"decoder.layers.0.multihead_attn.out_proj.bias".to_string()));
    assert!(names.contains(&"decoder.norm.weight".to_string()));
}

#[test]
fn generate_square_subsequent_mask_is_detected_as_causal() {
    let m = generate_square_subsequent_mask::<f64>(3);
    assert!(encoder::detect_is_causal(
        Some(crate::ops::AttnMask::Float(&m)),
        None,
        3
    ));
    assert!(!encoder::detect_is_causal(
        Some(crate::ops::AttnMask::Float(&m)),
        None,
        4
    ));
    let b = BoolMask::new((0..9).map(|k| k % 3 > k / 3).collect(), &[3, 3]).unwrap();
    assert!(encoder::detect_is_causal::<f64>(
        Some(crate::ops::AttnMask::Bool(&b)),
        None,
        3
    ));
    assert!(!encoder::detect_is_causal::<f64>(
        Some(crate::ops::AttnMask::Bool(&b)),
        Some(false),
        3
    ));
}
