//! The `init` family: `torch.nn.init` functions and the default
//! initialisation of layers, checked exactly (deterministic fills, bounds,
//! gains) or by statistics (random draws), in f64.

use super::Outcome;
use super::case::{Case, TensorData, number};
use super::compare::{Tolerance, compare};
use crate::DynTensor;
use crate::nn::default_init;
use nncore::init::{
    FanMode, GainParam, Nonlinearity, calculate_gain, constant_, dirac_, eye_, kaiming_normal_,
    kaiming_uniform_, normal_, ones_, orthogonal_, trunc_normal_, uniform_, xavier_normal_,
    xavier_uniform_, zeros_,
};
use serde_json::{Map, Value};

/// Performs one init case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

/// `calculate_gain`'s `param` as the case's JSON holds it: a JSON bool is
/// Python's `True`/`False`, a number with a fraction or exponent a float,
/// `"inf"`/`"-inf"`/`"nan"` floats (FORMAT.md), anything else its text.
fn gain_param(value: Option<&Value>) -> GainParam {
    match value {
        None | Some(Value::Null) => GainParam::None,
        Some(Value::Bool(b)) => GainParam::Bool(*b),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => GainParam::Int(i),
            None => GainParam::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Some(v) => match (number(v), v) {
            (Some(x), _) => GainParam::Float(x),
            (None, Value::String(s)) => GainParam::Other(s.clone()),
            (None, other) => GainParam::Other(other.to_string()),
        },
    }
}

fn shape(case: &Case) -> Result<Vec<usize>, String> {
    case.raw
        .get("shape")
        .and_then(Value::as_array)
        .ok_or("no `shape`")?
        .iter()
        .map(|v| {
            v.as_u64()
                .map(|v| v as usize)
                .ok_or("bad shape".to_string())
        })
        .collect()
}

fn nonlinearity(case: &Case, default: &str, param: Option<f64>) -> crate::Result<Nonlinearity> {
    Nonlinearity::named(case.str_option("nonlinearity", default), param)
}

fn perform(case: &Case) -> Result<Outcome, String> {
    if case.op == "calculate_gain" {
        let param = gain_param(case.options.get("param"));
        let gain = Nonlinearity::with_param(case.str_option("nonlinearity", "linear"), &param)
            .map(calculate_gain)
            .map_err(|e| e.to_string());
        if let Some(pytorch) = case.expected().get("error").and_then(Value::as_str) {
            // PyTorch's message, after its exception type, must be Kiln's too.
            let text = pytorch.split_once(": ").map_or(pytorch, |(_, m)| m);
            return Ok(match gain {
                Err(e) if e.contains(text) => Outcome::Pass,
                Err(e) => Outcome::Fail(format!("Kiln's error `{e}` does not say `{text}`")),
                Ok(_) => Outcome::Fail("PyTorch rejects this case but Kiln accepted it".into()),
            });
        }
        let gain = gain.map_err(|e| format!("Kiln error: {e}"));
        return Ok(match gain {
            Err(e) => Outcome::Fail(e),
            Ok(g) => check_number(case, "gain", g, Tolerance::of(case)),
        });
    }
    if matches!(case.op.as_str(), "linear" | "conv1d" | "conv2d") {
        return default_layer_init(case);
    }
    let t = DynTensor::<f64>::zeros(&shape(case)?).map_err(|e| e.to_string())?;
    let f = |name: &str, d: f64| case.f64_option(name, d);
    let result: crate::Result<()> = match case.op.as_str() {
        "uniform_" => {
            uniform_(&t, f("a", 0.0), f("b", 1.0));
            Ok(())
        }
        "normal_" => {
            normal_(&t, f("mean", 0.0), f("std", 1.0));
            Ok(())
        }
        "constant_" => {
            constant_(&t, f("val", 0.0));
            Ok(())
        }
        "ones_" => {
            ones_(&t);
            Ok(())
        }
        "zeros_" => {
            zeros_(&t);
            Ok(())
        }
        "eye_" => eye_(&t),
        "dirac_" => dirac_(&t, case.i64_option("groups", 1) as usize),
        "xavier_uniform_" => xavier_uniform_(&t, f("gain", 1.0)),
        "xavier_normal_" => xavier_normal_(&t, f("gain", 1.0)),
        "kaiming_uniform_" | "kaiming_normal_" => (|| {
            let mode: FanMode = case.str_option("mode", "fan_in").parse()?;
            let n = nonlinearity(case, "leaky_relu", Some(f("a", 0.0)))?;
            if case.op == "kaiming_uniform_" {
                kaiming_uniform_(&t, mode, n)
            } else {
                kaiming_normal_(&t, mode, n)
            }
        })(),
        "trunc_normal_" => {
            trunc_normal_(&t, f("mean", 0.0), f("std", 1.0), f("a", -2.0), f("b", 2.0))
        }
        "orthogonal_" => orthogonal_(&t, f("gain", 1.0)),
        other => {
            return Ok(Outcome::Skip(format!(
                "the initialiser `{other}` is not implemented yet"
            )));
        }
    };
    if case.expects_error() {
        return Ok(expect_error(case, result.map_err(|e| e.to_string())));
    }
    if let Err(e) = result {
        return Ok(Outcome::Fail(format!("Kiln error: {e}")));
    }
    let expected = case.expected();
    if let Some(v) = expected.get("values") {
        let values = TensorData::parse(v)?;
        return Ok(
            match compare(
                "values",
                t.shape(),
                &t.to_vec(),
                &values,
                Tolerance::of(case),
            ) {
                Ok(()) => Outcome::Pass,
                Err(why) => Outcome::Fail(why),
            },
        );
    }
    if expected.get("orthonormal").and_then(Value::as_bool) == Some(true) {
        return Ok(check_orthonormal(case, &t));
    }
    Ok(check_statistics(
        case,
        "values",
        &t.to_vec(),
        expected,
        case.raw.get("tolerance"),
    ))
}

/// PyTorch rejected the case: Kiln must reject it too.
fn expect_error(case: &Case, result: Result<(), String>) -> Outcome {
    match (result, case.expects_error()) {
        (Err(_), true) => Outcome::Pass,
        (Ok(()), true) => Outcome::Fail("PyTorch rejects this case but Kiln accepted it".into()),
        (Err(e), false) => Outcome::Fail(format!("Kiln error: {e}")),
        (Ok(()), false) => Outcome::Pass,
    }
}

fn check_number(case: &Case, name: &str, actual: f64, tol: Tolerance) -> Outcome {
    let Some(expected) = case.expected().get(name).and_then(number) else {
        return Outcome::Fail(format!("bad case: no expected `{name}`"));
    };
    if (actual - expected).abs() <= tol.atol + tol.rtol * expected.abs() {
        Outcome::Pass
    } else {
        Outcome::Fail(format!("{name}: {actual}, expected {expected}"))
    }
}

/// Bounds exactly, then the sample mean and standard deviation.
fn check_statistics(
    case: &Case,
    what: &str,
    values: &[f64],
    expected: &Map<String, Value>,
    tolerance: Option<&Value>,
) -> Outcome {
    let get = |m: &Map<String, Value>, k: &str| m.get(k).and_then(number);
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if let Some(bound) = get(expected, "bound")
        && (min < -bound || max > bound)
    {
        return Outcome::Fail(format!(
            "{what}: range [{min}, {max}] exceeds the bound {bound}"
        ));
    }
    if let (Some(low), Some(high)) = (get(expected, "low"), get(expected, "high"))
        && (min < low || max > high)
    {
        return Outcome::Fail(format!(
            "{what}: range [{min}, {max}] is outside [{low}, {high}]"
        ));
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    let tol = tolerance.and_then(Value::as_object);
    let (Some(tol), Some(emean), Some(estd)) = (tol, get(expected, "mean"), get(expected, "std"))
    else {
        return Outcome::Fail(format!("bad case {}: no mean/std/tolerance", case.name));
    };
    let (matol, srtol) = (
        get(tol, "mean_atol").unwrap_or(0.0),
        get(tol, "std_rtol").unwrap_or(0.0),
    );
    if (mean - emean).abs() > matol {
        return Outcome::Fail(format!(
            "{what}: sample mean {mean}, expected {emean} ± {matol}"
        ));
    }
    if (std - estd).abs() > srtol * estd {
        return Outcome::Fail(format!(
            "{what}: sample std {std}, expected {estd} (rtol {srtol})"
        ));
    }
    Outcome::Pass
}

/// W·Wᵀ = gain²·I (rows <= columns) or Wᵀ·W = gain²·I.
fn check_orthonormal(case: &Case, t: &DynTensor<f64>) -> Outcome {
    let gain = case.expected().get("gain").and_then(number).unwrap_or(1.0);
    let atol = Tolerance::of(case).atol;
    let rows = t.shape()[0];
    let cols = t.numel() / rows;
    let w = t.to_vec();
    let at = |i: usize, j: usize| w[i * cols + j];
    let (k, dot): (usize, Box<dyn Fn(usize, usize) -> f64>) = if rows <= cols {
        (
            rows,
            Box::new(|a, b| (0..cols).map(|c| at(a, c) * at(b, c)).sum()),
        )
    } else {
        (
            cols,
            Box::new(|a, b| (0..rows).map(|r| at(r, a) * at(r, b)).sum()),
        )
    };
    for a in 0..k {
        for b in 0..k {
            let want = if a == b { gain * gain } else { 0.0 };
            let got = dot(a, b);
            if (got - want).abs() > atol {
                return Outcome::Fail(format!(
                    "Gram matrix entry ({a}, {b}) is {got}, expected {want}"
                ));
            }
        }
    }
    Outcome::Pass
}

/// A layer's default initialisation (`reset_parameters`), on parameters of
/// the case's shapes.
fn default_layer_init(case: &Case) -> Result<Outcome, String> {
    let params = case
        .expected()
        .get("params")
        .and_then(Value::as_object)
        .ok_or("no expected params")?;
    let shape_of = |name: &str| -> Option<Vec<usize>> {
        let s = params.get(name)?.get("shape")?.as_array()?;
        s.iter().map(|v| v.as_u64().map(|v| v as usize)).collect()
    };
    let zeros = |s: &[usize]| DynTensor::<f64>::zeros(s).map_err(|e| e.to_string());
    let weight = zeros(&shape_of("weight").ok_or("no weight shape")?)?;
    let bias = shape_of("bias").map(|s| zeros(&s)).transpose()?;
    // The shapes come from the case; check they are what the constructor
    // options give, so a wrong fan_in cannot hide.
    let opt = |k: &str| case.i64_option(k, 1) as usize;
    let groups = opt("groups");
    let kernel = match case.options.get("kernel_size") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_u64)
            .map(|v| v as usize)
            .collect(),
        _ => vec![opt("kernel_size"); if case.op == "conv2d" { 2 } else { 1 }],
    };
    let want: Vec<usize> = match case.op.as_str() {
        "linear" => vec![opt("out_features"), opt("in_features")],
        _ => [
            vec![opt("out_channels"), opt("in_channels") / groups],
            kernel,
        ]
        .concat(),
    };
    if weight.shape() != want.as_slice() {
        return Ok(Outcome::Fail(format!(
            "weight shape {:?}, options give {want:?}",
            weight.shape()
        )));
    }
    if let Err(e) = default_init(&weight, bias.as_ref()) {
        return Ok(Outcome::Fail(format!("Kiln error: {e}")));
    }
    let tol = case
        .raw
        .get("tolerance")
        .and_then(Value::as_object)
        .ok_or("no tolerance")?;
    for (name, t) in [("weight", Some(&weight)), ("bias", bias.as_ref())] {
        let (Some(t), Some(exp)) = (t, params.get(name).and_then(Value::as_object)) else {
            continue;
        };
        let outcome = check_statistics(case, name, &t.to_vec(), exp, tol.get(name));
        if outcome != Outcome::Pass {
            return Ok(outcome);
        }
    }
    Ok(Outcome::Pass)
}
