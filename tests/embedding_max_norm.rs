//! `nn.Embedding(max_norm=..., norm_type=...)` against PyTorch: the rows
//! looked up whose norm exceeds `max_norm` are rescaled in place by
//! `max_norm / (norm + 1e-7)`, the others (and every row not looked up)
//! stay bit for bit; the output and the weight's gradient follow. Numbers
//! from `scripts/make_embedding_max_norm.py` (norm types 2, 1, 3, 0.5 and
//! inf; max_norm 1 and 2.5; a row looked up twice, a row never looked up).

use kiln::LongTensor;
use kiln::nn::Embedding;
use serde_json::Value;

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number") as f32)
        .collect()
}

fn assert_close(what: &str, case: usize, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what} of case {case}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6 + 1e-6 * w.abs(),
            "{what} of case {case}, element {i}: Kiln {g}, PyTorch {w}"
        );
    }
}

#[test]
fn max_norm_rescales_like_pytorch() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/embedding_max_norm.json"
    ))
    .unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    let mut rescaled_rows = 0;
    for (n, case) in cases.iter().enumerate() {
        let norm_type = match &case["norm_type"] {
            Value::String(s) if s == "inf" => f64::INFINITY,
            v => v.as_f64().unwrap(),
        };
        let max_norm = case["max_norm"].as_f64().unwrap();
        let before = floats(&case["weight"]);
        let emb = Embedding::new(6, 4).max_norm(Some(max_norm), norm_type);
        emb.weight().data_mut().copy_from_slice(&before);
        let idx: Vec<i64> = case["indices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        let shape: Vec<usize> = case["indices_shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let out = emb
            .lookup(&LongTensor::from_vec(idx, &shape).unwrap())
            .unwrap();
        let coef: Vec<f32> = (0..out.numel()).map(|i| i as f32 / 10.0).collect();
        let coef = kiln::DynTensor::from_vec(coef, out.shape()).unwrap();
        out.mul(&coef).unwrap().sum().backward().unwrap();

        let after = emb.weight().to_vec();
        let want_after = floats(&case["weight_after"]);
        assert_close("weight after the lookup", n, &after, &want_after);
        // Row 2 and row 5 are not looked up: untouched, bit for bit.
        for row in [2, 5] {
            assert_eq!(
                after[row * 4..][..4],
                before[row * 4..][..4],
                "case {n}, row {row}"
            );
        }
        rescaled_rows += (0..6)
            .filter(|r| want_after[r * 4..][..4] != before[r * 4..][..4])
            .count();
        assert_close("output", n, &out.to_vec(), &floats(&case["output"]));
        assert_close(
            "weight gradient",
            n,
            &emb.weight().grad().unwrap(),
            &floats(&case["grad"]),
        );
    }
    // The cases exercise the rescaling, not just the lookup.
    assert!(rescaled_rows >= 20, "only {rescaled_rows} rows rescaled");
}
