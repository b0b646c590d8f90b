use super::*;
use crate::autograd::gradcheck::{GradcheckOptions, gradcheck};
use crate::ops::{MhaOptions, MhaWeights, multi_head_attention_forward};
use crate::test_util::rand64;

/// The general path of `multi_head_attention_forward` (a key that is a
/// copy of the query, so the one-pass path does not apply) against
/// in-projection, [`packed_self_attention`], out-projection, for `(L, N, E)`
/// and the same input batch first.
#[test]
fn agrees_with_the_general_multi_head_path() {
    let (l, n, e, heads) = (5, 3, 8, 2);
    let x = rand64(&[l, n, e], 1);
    let copy = DynTensor::from_vec(x.to_vec(), x.shape()).unwrap();
    let (w_in, b_in) = (rand64(&[3 * e, e], 2), rand64(&[3 * e], 3));
    let (w_out, b_out) = (rand64(&[e, e], 4), rand64(&[e], 5));
    let weights = MhaWeights {
        in_proj_weight: Some(&w_in),
        qkv_proj_weight: None,
        in_proj_bias: Some(&b_in),
        bias_kv: None,
        out_proj_weight: &w_out,
        out_proj_bias: Some(&b_out),
    };
    let mut o = MhaOptions::new(e, heads);
    o.need_weights = false;
    let general = multi_head_attention_forward(&x, &copy, &copy, &weights, &o)
        .unwrap()
        .0;
    let packed = |x: &DynTensor<f64>, batch_first| {
        let qkv = crate::ops::linear(x, &w_in, Some(&b_in)).unwrap();
        let y = packed_self_attention(&qkv, heads, batch_first, 0.0).unwrap();
        crate::ops::linear(&y, &w_out, Some(&b_out)).unwrap()
    };
    let close = |a: &DynTensor<f64>, b: &DynTensor<f64>| {
        assert_eq!(a.shape(), b.shape());
        for (x, y) in a.to_vec().iter().zip(b.to_vec()) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
    };
    close(&packed(&x, false), &general);
    let batch_first = packed(&x.transpose(0, 1).unwrap(), true);
    close(&batch_first.transpose(0, 1).unwrap(), &general);
    // The one-pass path of the functional API itself (query = key = value).
    let one_pass = multi_head_attention_forward(&x, &x, &x, &weights, &o)
        .unwrap()
        .0;
    close(&one_pass, &general);
}

// Tolerance: PyTorch's gradcheck defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
// With dropout every evaluation draws from a private generator with one
// seed (`fork_rng`: other tests drawing at the same time cannot disturb
// it), so that the finite differences see one mask.
#[test]
fn gradcheck_both_layouts_with_and_without_dropout() {
    for (batch_first, p) in [(false, 0.0), (true, 0.0), (true, 0.3), (false, 0.5)] {
        let qkv = rand64(&[3, 4, 12], 7).requires_grad_(true);
        let weights = rand64(&[3, 4, 4], 8);
        gradcheck(
            |t| {
                crate::fork_rng(11, || {
                    packed_self_attention(&t[0], 2, batch_first, p)?
                        .mul(&weights)
                        .map(|y| y.sum())
                })
            },
            &[qkv],
            GradcheckOptions::default(),
        )
        .unwrap_or_else(|e| panic!("batch_first {batch_first}, p {p}: {e}"));
    }
}

#[test]
fn dropout_one_zeroes_and_no_grad_records_nothing() {
    let qkv = rand64(&[2, 3, 6], 1).requires_grad_(true);
    let y = packed_self_attention(&qkv, 1, true, 1.0).unwrap();
    assert!(y.to_vec().iter().all(|&v| v == 0.0));
    let y = crate::autograd::no_grad(|| packed_self_attention(&qkv, 1, true, 0.0).unwrap());
    assert!(!y.requires_grad());
}

#[test]
fn errors_name_the_projection_and_the_option() {
    let err = |qkv: &DynTensor<f64>, heads, p| {
        packed_self_attention(qkv, heads, true, p)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(&rand64(&[4, 6], 1), 1, 0.0),
        "packed_self_attention: shape mismatch: expected a 3-D packed projection (N, L, 3E) or (L, N, 3E), found [4, 6]"
    );
    assert_eq!(
        err(&rand64(&[1, 2, 12], 1), 3, 0.0),
        "packed_self_attention: shape mismatch: expected a last dimension of 3 x embed_dim, embed_dim a multiple of num_heads=3, found 12"
    );
    assert_eq!(
        err(&rand64(&[1, 2, 12], 1), 2, 1.5),
        "packed_self_attention: invalid dropout_p: dropout probability has to be between 0 and 1, but got 1.5"
    );
}
