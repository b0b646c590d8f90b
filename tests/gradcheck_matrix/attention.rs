//! Attention: `scaled_dot_product_attention`, `multi_head_attention_forward`,
//! `packed_self_attention` and the attention layers, with boolean and float
//! masks and both batch layouts. A layer case (as in `layers.rs`) first compares the layer's own
//! f32 forward with its spec's `run` in f64 on the same numbers, then
//! gradchecks that `run` with respect to the inputs and every parameter.

use super::layers::{Functional, leaf64, push, to_f32};
use super::{Matrix, Rng};
use kiln::Tensor;
use kiln::nn::{
    DecoderForward, EncoderForward, Forward, Get, LayerNorm, MhaForward, Module, ModuleExt,
    MultiheadAttention, MultiheadAttentionSpec, PyNumber, Transformer, TransformerDecoder,
    TransformerDecoderLayer, TransformerDecoderLayerSpec, TransformerDecoderSpec,
    TransformerEncoder, TransformerEncoderLayer, TransformerEncoderLayerSpec,
    TransformerEncoderSpec, TransformerForward, TransformerLayerArgs, TypedMultiheadAttention,
    TypedTransformerDecoder, TypedTransformerDecoderLayer, TypedTransformerEncoder,
    TypedTransformerEncoderLayer, generate_square_subsequent_mask,
};
use kiln::ops::{
    AttnMask, BoolMask, MhaOptions, MhaWeights, SdpaOptions, multi_head_attention_forward,
    packed_self_attention, scaled_dot_product_attention,
};
use kiln::shape::{Dyn, U2, U3, U4, U5, U6};
use kiln::{DynTensor, Element, Result, fork_rng};

pub fn add(m: &mut Matrix, rng: &mut Rng) {
    sdpa(m, rng);
    mha_forward(m, rng);
    packed(m, rng);
    multihead_attention(m, rng);
    encoders(m, rng);
    decoders(m, rng);
    typed(m, rng);
    typed_decoders(m, rng);
}

/// A mask keeping (or masking) every third position.
fn every_third(shape: &[usize]) -> BoolMask {
    let n = shape.iter().product::<usize>();
    BoolMask::new((0..n).map(|k| k % 3 == 1).collect(), shape).unwrap()
}

fn sdpa(m: &mut Matrix, rng: &mut Rng) {
    let s = "ops::scaled_dot_product_attention";
    let (q, k, v) = (
        rng.leaf(&[2, 3, 4]),
        rng.leaf(&[2, 5, 4]),
        rng.leaf(&[2, 5, 3]),
    );
    let mask = rng.leaf(&[3, 5]);
    m.case(
        s,
        "3-D, float mask (differentiated), scale 0.7",
        vec![q, k, v, mask],
        |t| {
            let o = SdpaOptions::new().attn_mask(&t[3]).scale(0.7);
            scaled_dot_product_attention(&t[0], &t[1], &t[2], o)
        },
    );
    let (q, k, v) = (
        rng.leaf(&[1, 2, 4, 2]),
        rng.leaf(&[1, 2, 3, 2]),
        rng.leaf(&[1, 2, 3, 5]),
    );
    m.case(s, "4-D, bool mask (true takes part)", vec![q, k, v], |t| {
        let keep = BoolMask::new((0..12).map(|k| k % 3 != 1).collect(), &[4, 3]).unwrap();
        scaled_dot_product_attention(&t[0], &t[1], &t[2], SdpaOptions::new().attn_mask(&keep))
    });
    let (q, k, v) = (
        rng.leaf(&[3, 4, 2]),
        rng.leaf(&[3, 2, 2]),
        rng.leaf(&[3, 2, 2]),
    );
    m.case(s, "is_causal with L > S", vec![q, k, v], |t| {
        scaled_dot_product_attention(&t[0], &t[1], &t[2], SdpaOptions::new().is_causal(true))
    });
}

fn mha_forward(m: &mut Matrix, rng: &mut Rng) {
    let s = "ops::multi_head_attention_forward";
    let (l, sl, n, e) = (3, 4, 2, 4);
    let mut inputs = vec![
        rng.leaf(&[l, n, e]),
        rng.leaf(&[sl, n, e]),
        rng.leaf(&[sl, n, e]),
    ];
    inputs.extend([
        rng.leaf(&[3 * e, e]),
        rng.leaf(&[3 * e]),
        rng.leaf(&[e, e]),
        rng.leaf(&[e]),
    ]);
    m.case(
        s,
        "packed, key_padding_mask, per-head weights",
        inputs,
        move |t| {
            let pad = every_third(&[n, sl]);
            let w = MhaWeights {
                in_proj_weight: Some(&t[3]),
                qkv_proj_weight: None,
                in_proj_bias: Some(&t[4]),
                bias_kv: None,
                out_proj_weight: &t[5],
                out_proj_bias: Some(&t[6]),
            };
            let mut o = MhaOptions::new(e, 2);
            o.key_padding_mask = Some(AttnMask::Bool(&pad));
            o.average_attn_weights = false;
            let (y, w) = multi_head_attention_forward(&t[0], &t[1], &t[2], &w, &o)?;
            y.sum().add(&w.expect("need_weights").mul_scalar(2.0).sum())
        },
    );
    let mut inputs = vec![rng.leaf(&[l, e]), rng.leaf(&[sl, 5]), rng.leaf(&[sl, 3])];
    inputs.extend([rng.leaf(&[e, e]), rng.leaf(&[e, 5]), rng.leaf(&[e, 3])]);
    inputs.extend([
        rng.leaf(&[1, 1, e]),
        rng.leaf(&[1, 1, e]),
        rng.leaf(&[e, e]),
    ]);
    m.case(
        s,
        "unbatched, kdim/vdim, bias_kv, zero attention, float mask, no weights",
        inputs,
        move |t| {
            let mask = DynTensor::from_vec(
                (0..l * sl).map(|k| (k % 4) as f64 * -0.5).collect(),
                &[l, sl],
            )?;
            let w = MhaWeights {
                in_proj_weight: None,
                qkv_proj_weight: Some([&t[3], &t[4], &t[5]]),
                in_proj_bias: None,
                bias_kv: Some([&t[6], &t[7]]),
                out_proj_weight: &t[8],
                out_proj_bias: None,
            };
            let mut o = MhaOptions::new(e, 2);
            o.attn_mask = Some(AttnMask::Float(&mask));
            o.add_zero_attn = true;
            o.need_weights = false;
            multi_head_attention_forward(&t[0], &t[1], &t[2], &w, &o).map(|r| r.0)
        },
    );
}

fn packed(m: &mut Matrix, rng: &mut Rng) {
    let s = "ops::packed_self_attention";
    m.case(s, "(L, N, 3E), 2 heads", vec![rng.leaf(&[3, 2, 12])], |t| {
        packed_self_attention(&t[0], 2, false, 0.0)
    });
    // Every evaluation draws from a private generator with one seed: one
    // dropout mask throughout.
    m.case(
        s,
        "batch_first, 3 heads, dropout 0.25",
        vec![rng.leaf(&[2, 4, 18])],
        |t| fork_rng(5, || packed_self_attention(&t[0], 3, true, 0.25)),
    );
}

/// A layer case: the forward's float inputs, then every parameter of
/// `module` (`named_parameters()` order); `functional` reads them by name.
fn layer_case(
    m: &mut Matrix,
    name: &str,
    label: &str,
    module: &dyn Module,
    xs: Vec<(Vec<f64>, Vec<usize>)>,
    ours: impl FnOnce(&[DynTensor<f32>]) -> Result<DynTensor<f32>>,
    functional: impl Fn(&[DynTensor<f64>], Get<'_, '_, f64>) -> Result<DynTensor<f64>> + 'static,
) {
    let n_in = xs.len();
    let (mut inputs, mut inputs32) = (Vec::new(), Vec::new());
    for (x, shape) in xs {
        let x32 = to_f32(&x);
        inputs.push(leaf64(x32.clone(), &shape));
        inputs32.push(DynTensor::from_vec(x32, &shape).unwrap());
    }
    let mut names = Vec::new();
    for (n, p) in module.named_parameters() {
        inputs.push(leaf64(p.tensor().to_vec(), p.tensor().shape()));
        names.push(n);
    }
    let f: Functional = Box::new(move |t: &[DynTensor<f64>]| {
        let get = |n: &str| names.iter().position(|m| m == n).map(|i| &t[n_in + i]);
        functional(t, &get)
    });
    let ours = ours(&inputs32);
    let theirs = f(&inputs);
    push(m, name, label.to_string(), inputs, f, ours, theirs);
}

fn input(rng: &mut Rng, shape: &[usize]) -> (Vec<f64>, Vec<usize>) {
    (
        rng.values(shape.iter().product(), -1.0, 1.0),
        shape.to_vec(),
    )
}

fn multihead_attention(m: &mut Matrix, rng: &mut Rng) {
    let s = "MultiheadAttention";
    let spec = MultiheadAttentionSpec {
        batch_first: true,
        ..MultiheadAttentionSpec::new(4, 2).unwrap()
    };
    let mha = MultiheadAttention::from_spec(spec);
    let xs = vec![
        input(rng, &[2, 3, 4]),
        input(rng, &[2, 5, 4]),
        input(rng, &[2, 5, 4]),
    ];
    layer_case(
        m,
        s,
        "batch_first, key_padding_mask",
        &mha,
        xs,
        |x| {
            Ok(mha
                .forward(
                    &x[0],
                    &x[1],
                    &x[2],
                    MhaForward::new().key_padding_mask(&every_third(&[2, 5])),
                )?
                .0)
        },
        move |t, get| {
            let pad = every_third(&[2, 5]);
            let f = MhaForward::new().key_padding_mask(&pad);
            Ok(spec.run(&t[0], &t[1], &t[2], get, &f, true)?.0)
        },
    );
    let spec = MultiheadAttentionSpec {
        kdim: Some(3),
        vdim: Some(5),
        add_bias_kv: true,
        add_zero_attn: true,
        ..MultiheadAttentionSpec::new(4, 2).unwrap()
    };
    let mha = MultiheadAttention::from_spec(spec);
    let xs = vec![
        input(rng, &[3, 2, 4]),
        input(rng, &[3, 2, 3]),
        input(rng, &[3, 2, 5]),
    ];
    // The causal mask as a bool mask (true: masked out), padded by PyTorch for bias_k and the zero row.
    let causal = || BoolMask::new((0..9).map(|k| k % 3 > k / 3).collect(), &[3, 3]).unwrap();
    layer_case(
        m,
        s,
        "(L, N, E), kdim/vdim, bias_kv, zero attention, causal bool mask, per-head weights",
        &mha,
        xs,
        |x| {
            let mask = causal();
            let f = MhaForward::new()
                .attn_mask(&mask)
                .is_causal(true)
                .average_attn_weights(false);
            Ok(mha
                .forward(&x[0], &x[1], &x[2], f)?
                .1
                .expect("need_weights"))
        },
        move |t, get| {
            let mask = causal();
            let f = MhaForward::new()
                .attn_mask(&mask)
                .is_causal(true)
                .average_attn_weights(false);
            Ok(spec
                .run(&t[0], &t[1], &t[2], get, &f, true)?
                .1
                .expect("need_weights"))
        },
    );
}

fn args(batch_first: bool, norm_first: bool, gelu: bool) -> TransformerLayerArgs {
    TransformerLayerArgs {
        dim_feedforward: 6,
        dropout: PyNumber::Float(0.0),
        batch_first,
        norm_first,
        activation: if gelu {
            kiln::nn::Activation::Gelu
        } else {
            kiln::nn::Activation::Relu
        },
        ..TransformerLayerArgs::new(4, 2)
    }
}

fn encoders(m: &mut Matrix, rng: &mut Rng) {
    for (label, a, mask) in [
        (
            "post-norm relu (L, N, E), causal float src_mask",
            args(false, false, false),
            false,
        ),
        (
            "pre-norm gelu batch_first, src_key_padding_mask",
            args(true, true, true),
            true,
        ),
    ] {
        let layer = TransformerEncoderLayer::new(a).unwrap();
        let shape = if a.batch_first { [2, 3, 4] } else { [3, 2, 4] };
        let (c32, c64, pad) = (
            generate_square_subsequent_mask::<f32>(3),
            generate_square_subsequent_mask::<f64>(3),
            every_third(&[2, 3]),
        );
        let pad2 = pad.clone();
        layer_case(
            m,
            "TransformerEncoderLayer",
            label,
            &layer,
            vec![input(rng, &shape)],
            |x| layer.forward(&x[0], enc_fwd(mask, &c32, &pad)),
            move |t, get| {
                TransformerEncoderLayerSpec(a).run(&t[0], &enc_fwd(mask, &c64, &pad2), get, true)
            },
        );
    }
    for (label, a, norm) in [
        (
            "2 layers and a final norm, (L, N, E)",
            args(false, false, false),
            true,
        ),
        (
            "2 pre-norm layers batch_first, no norm",
            args(true, true, true),
            false,
        ),
    ] {
        let layer = TransformerEncoderLayer::new(a).unwrap();
        let enc = TransformerEncoder::new(&layer, 2, norm.then(|| LayerNorm::new(&[4]))).unwrap();
        let spec = TransformerEncoderSpec {
            layer: a,
            num_layers: 2,
            norm: norm.then(|| LayerNorm::new(&[4]).spec()),
        };
        let shape = if a.batch_first { [2, 3, 4] } else { [3, 2, 4] };
        layer_case(
            m,
            "TransformerEncoder",
            label,
            &enc,
            vec![input(rng, &shape)],
            |x| enc.forward(&x[0], EncoderForward::new()),
            move |t, get| spec.run(&t[0], &EncoderForward::new(), get, true),
        );
    }
}

fn decoders(m: &mut Matrix, rng: &mut Rng) {
    let cases = [
        (
            "post-norm relu (T, N, E), causal tgt_mask",
            args(false, false, false),
            false,
        ),
        (
            "pre-norm gelu batch_first, memory_key_padding_mask",
            args(true, true, true),
            true,
        ),
    ];
    let shapes = |bf: bool| {
        if bf {
            ([2, 3, 4], [2, 5, 4])
        } else {
            ([3, 2, 4], [5, 2, 4])
        }
    };
    for (label, a, pad_memory) in cases {
        let layer = TransformerDecoderLayer::new(a).unwrap();
        let (ts, ms) = shapes(a.batch_first);
        let (c32, c64, pad) = (
            generate_square_subsequent_mask::<f32>(3),
            generate_square_subsequent_mask::<f64>(3),
            every_third(&[2, 5]),
        );
        let pad2 = pad.clone();
        layer_case(
            m,
            "TransformerDecoderLayer",
            label,
            &layer,
            vec![input(rng, &ts), input(rng, &ms)],
            |x| layer.forward(&x[0], &x[1], dec_fwd(pad_memory, &c32, &pad)),
            move |t, get| {
                TransformerDecoderLayerSpec(a).run(
                    &t[0],
                    &t[1],
                    &dec_fwd(pad_memory, &c64, &pad2),
                    get,
                    true,
                )
            },
        );
    }
    for (label, a, pad_memory) in cases {
        let layer = TransformerDecoderLayer::new(a).unwrap();
        let dec = TransformerDecoder::new(&layer, 2, Some(LayerNorm::new(&[4]))).unwrap();
        let spec = TransformerDecoderSpec {
            layer: a,
            num_layers: 2,
            norm: Some(LayerNorm::new(&[4]).spec()),
        };
        let (ts, ms) = shapes(a.batch_first);
        let (c32, c64, pad) = (
            generate_square_subsequent_mask::<f32>(3),
            generate_square_subsequent_mask::<f64>(3),
            every_third(&[2, 5]),
        );
        let pad2 = pad.clone();
        layer_case(
            m,
            "TransformerDecoder",
            label,
            &dec,
            vec![input(rng, &ts), input(rng, &ms)],
            |x| dec.forward(&x[0], &x[1], dec_fwd(pad_memory, &c32, &pad)),
            move |t, get| spec.run(&t[0], &t[1], &dec_fwd(pad_memory, &c64, &pad2), get, true),
        );
    }
    for (label, a) in [
        ("(S, N, E), causal tgt_mask", args(false, false, false)),
        ("batch_first, pre-norm gelu", args(true, true, true)),
    ] {
        let t = Transformer::new(a, 1, 1).unwrap();
        let (ts, ss) = shapes(a.batch_first);
        let (c32, c64) = (
            generate_square_subsequent_mask::<f32>(3),
            generate_square_subsequent_mask::<f64>(3),
        );
        layer_case(
            m,
            "Transformer",
            label,
            &t,
            vec![input(rng, &ss), input(rng, &ts)],
            |x| {
                let f = TransformerForward {
                    tgt_mask: Some(AttnMask::Float(&c32)),
                    ..Default::default()
                };
                t.forward(&x[0], &x[1], f)
            },
            move |x, get| {
                let enc = TransformerEncoderSpec {
                    layer: a,
                    num_layers: 1,
                    norm: Some(LayerNorm::new(&[4]).spec()),
                };
                let dec = TransformerDecoderSpec {
                    layer: a,
                    num_layers: 1,
                    norm: Some(LayerNorm::new(&[4]).spec()),
                };
                let memory = enc.run(
                    &x[0],
                    &EncoderForward::new(),
                    &|n: &str| get(&format!("encoder.{n}")),
                    true,
                )?;
                let f = DecoderForward::new().tgt_mask(&c64);
                dec.run(
                    &x[1],
                    &memory,
                    &f,
                    &|n: &str| get(&format!("decoder.{n}")),
                    true,
                )
            },
        );
    }
}

/// The encoder's masks: a key padding mask or the causal `src_mask`.
fn enc_fwd<'a, E: Element>(
    pad_keys: bool,
    causal: &'a DynTensor<E>,
    pad: &'a BoolMask,
) -> EncoderForward<'a, E> {
    if pad_keys {
        EncoderForward::new().src_key_padding_mask(pad)
    } else {
        EncoderForward::new().src_mask(causal).is_causal(true)
    }
}

/// The decoder's masks: a memory key padding mask or the causal `tgt_mask`.
fn dec_fwd<'a, E: Element>(
    pad_memory: bool,
    causal: &'a DynTensor<E>,
    pad: &'a BoolMask,
) -> DecoderForward<'a, E> {
    if pad_memory {
        DecoderForward::new().memory_key_padding_mask(pad)
    } else {
        DecoderForward::new().tgt_mask(causal)
    }
}

/// The typed layers run the runtime layers inside: their forward against
/// the spec's `run`.
fn typed(m: &mut Matrix, rng: &mut Rng) {
    let mha = TypedMultiheadAttention::<U4, U2, U3, U5>::new();
    let spec = *mha.as_dyn().spec();
    let causal_mask = || BoolMask::new((0..9).map(|k| k % 3 > k / 3).collect(), &[3, 3]).unwrap();
    for (label, causal) in [
        ("(L, N, E), kdim 3, vdim 5", false),
        ("(L, N, E), kdim 3, vdim 5, causal bool mask", true),
    ] {
        let xs = vec![
            input(rng, &[3, 2, 4]),
            input(rng, &[3, 2, 3]),
            input(rng, &[3, 2, 5]),
        ];
        let mask32 = causal_mask();
        layer_case(
            m,
            "TypedMultiheadAttention",
            label,
            &mha,
            xs,
            |x| {
                let q = Tensor::<(Dyn, Dyn, U4)>::from_dyn(x[0].clone())?;
                let k = Tensor::<(Dyn, Dyn, U3)>::from_dyn(x[1].clone())?;
                let v = Tensor::<(Dyn, Dyn, U5)>::from_dyn(x[2].clone())?;
                let f = MhaForward::new().need_weights(false);
                let f = if causal { f.attn_mask(&mask32) } else { f };
                Ok(mha.forward(&q, &k, &v, f)?.0.into_dyn())
            },
            move |t, get| {
                let mask = causal_mask();
                let f = MhaForward::new().need_weights(false);
                let f = if causal { f.attn_mask(&mask) } else { f };
                Ok(spec.run(&t[0], &t[1], &t[2], get, &f, true)?.0)
            },
        );
    }
    for (label, a) in [
        ("post-norm relu", args(false, false, false)),
        ("pre-norm gelu batch_first", args(true, true, true)),
    ] {
        let layer = TypedTransformerEncoderLayer::<U4, U2, U6>::new()
            .dropout(0.0)
            .unwrap()
            .batch_first(a.batch_first)
            .norm_first(a.norm_first)
            .activation(a.activation);
        layer_case(
            m,
            "TypedTransformerEncoderLayer",
            label,
            &layer,
            vec![input(rng, &[3, 2, 4])],
            |x| {
                Ok(layer
                    .forward(Tensor::<(Dyn, Dyn, U4)>::from_dyn(x[0].clone())?)
                    .into_dyn())
            },
            move |t, get| {
                TransformerEncoderLayerSpec(a).run(&t[0], &EncoderForward::new(), get, true)
            },
        );
        let encoder = TypedTransformerEncoder::new(&layer, 2, true);
        let spec = TransformerEncoderSpec {
            layer: a,
            num_layers: 2,
            norm: Some(LayerNorm::new(&[4]).spec()),
        };
        layer_case(
            m,
            "TypedTransformerEncoder",
            label,
            &encoder,
            vec![input(rng, &[3, 2, 4])],
            |x| {
                Ok(encoder
                    .forward(Tensor::<(Dyn, Dyn, U4)>::from_dyn(x[0].clone())?)
                    .into_dyn())
            },
            move |t, get| spec.run(&t[0], &EncoderForward::new(), get, true),
        );
    }
}

/// The typed decoder layer and stack against the runtime spec's `run`.
fn typed_decoders(m: &mut Matrix, rng: &mut Rng) {
    type Seq = Tensor<(Dyn, Dyn, U4)>;
    for (label, a) in [
        ("post-norm relu (T, N, E)", args(false, false, false)),
        ("pre-norm gelu batch_first", args(true, true, true)),
    ] {
        let layer = TypedTransformerDecoderLayer::<U4, U2, U6>::new()
            .dropout(0.0)
            .unwrap()
            .batch_first(a.batch_first)
            .norm_first(a.norm_first)
            .activation(a.activation);
        let (ts, ms) = if a.batch_first {
            ([2, 3, 4], [2, 5, 4])
        } else {
            ([3, 2, 4], [5, 2, 4])
        };
        layer_case(
            m,
            "TypedTransformerDecoderLayer",
            label,
            &layer,
            vec![input(rng, &ts), input(rng, &ms)],
            |x| {
                let memory = Seq::from_dyn(x[1].clone())?;
                Ok(layer
                    .forward(Seq::from_dyn(x[0].clone())?, &memory)
                    .into_dyn())
            },
            move |t, get| {
                TransformerDecoderLayerSpec(a).run(&t[0], &t[1], &DecoderForward::new(), get, true)
            },
        );
        let decoder = TypedTransformerDecoder::new(&layer, 2, true);
        let spec = TransformerDecoderSpec {
            layer: a,
            num_layers: 2,
            norm: Some(LayerNorm::new(&[4]).spec()),
        };
        layer_case(
            m,
            "TypedTransformerDecoder",
            label,
            &decoder,
            vec![input(rng, &ts), input(rng, &ms)],
            |x| {
                let memory = Seq::from_dyn(x[1].clone())?;
                Ok(decoder
                    .forward(Seq::from_dyn(x[0].clone())?, &memory)
                    .into_dyn())
            },
            move |t, get| spec.run(&t[0], &t[1], &DecoderForward::new(), get, true),
        );
    }
}
