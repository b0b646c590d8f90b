//! The `optimizer` family: runs a case's gradients (or objective, for
//! LBFGS) through a Kiln optimizer over float64 parameters and compares
//! the parameters after every step with PyTorch's.

use super::Outcome;
use super::case::{Case, TensorData};
use super::compare::{Tolerance, compare};
use crate::nn::Parameter;
use crate::optim::{
    AdadeltaAlgorithm, AdadeltaOptions, AdagradAlgorithm, AdagradOptions, AdamAlgorithm,
    AdamOptions, AdamWAlgorithm, AdamaxAlgorithm, AdamaxOptions, Algorithm, AsgdAlgorithm,
    AsgdOptions, LBFGS, LbfgsOptions, LineSearch, NAdamAlgorithm, NAdamOptions, Optimizer,
    ParamGroup, RAdamAlgorithm, RAdamOptions, RmspropAlgorithm, RmspropOptions, RpropAlgorithm,
    RpropOptions, SgdAlgorithm, SgdOptions, SparseAdamAlgorithm, SparseAdamOptions,
};
use serde_json::{Map, Value};

type Opts = Map<String, Value>;

fn f(m: &Opts, key: &str, default: f64) -> f64 {
    m.get(key).and_then(super::case::number).unwrap_or(default)
}

fn b(m: &Opts, key: &str, default: bool) -> bool {
    m.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn pair(m: &Opts, key: &str, default: (f64, f64)) -> (f64, f64) {
    match m.get(key).and_then(Value::as_array) {
        Some(a) if a.len() == 2 => (
            super::case::number(&a[0]).unwrap_or(default.0),
            super::case::number(&a[1]).unwrap_or(default.1),
        ),
        _ => default,
    }
}

/// Runs one optimizer case.
pub(crate) fn run(case: &Case) -> Outcome {
    match case.op.as_str() {
        "sgd" => dense::<SgdAlgorithm>(case, |m| SgdOptions {
            lr: f(m, "lr", 1e-3),
            momentum: f(m, "momentum", 0.0),
            dampening: f(m, "dampening", 0.0),
            weight_decay: f(m, "weight_decay", 0.0),
            nesterov: b(m, "nesterov", false),
            maximize: b(m, "maximize", false),
        }),
        "asgd" => dense::<AsgdAlgorithm>(case, |m| AsgdOptions {
            lr: f(m, "lr", 1e-2),
            lambd: f(m, "lambd", 1e-4),
            alpha: f(m, "alpha", 0.75),
            t0: f(m, "t0", 1e6),
            weight_decay: f(m, "weight_decay", 0.0),
            maximize: b(m, "maximize", false),
        }),
        "adadelta" => dense::<AdadeltaAlgorithm>(case, |m| AdadeltaOptions {
            lr: f(m, "lr", 1.0),
            rho: f(m, "rho", 0.9),
            eps: f(m, "eps", 1e-6),
            weight_decay: f(m, "weight_decay", 0.0),
            maximize: b(m, "maximize", false),
        }),
        "adagrad" => dense::<AdagradAlgorithm>(case, |m| AdagradOptions {
            lr: f(m, "lr", 1e-2),
            lr_decay: f(m, "lr_decay", 0.0),
            weight_decay: f(m, "weight_decay", 0.0),
            initial_accumulator_value: f(m, "initial_accumulator_value", 0.0),
            eps: f(m, "eps", 1e-10),
            maximize: b(m, "maximize", false),
        }),
        "adam" => dense::<AdamAlgorithm>(case, |m| adam_options(m, 0.0)),
        "adamw" => dense::<AdamWAlgorithm>(case, |m| adam_options(m, 1e-2)),
        "adamax" => dense::<AdamaxAlgorithm>(case, |m| AdamaxOptions {
            lr: f(m, "lr", 2e-3),
            betas: pair(m, "betas", (0.9, 0.999)),
            eps: f(m, "eps", 1e-8),
            weight_decay: f(m, "weight_decay", 0.0),
            maximize: b(m, "maximize", false),
        }),
        "nadam" => dense::<NAdamAlgorithm>(case, |m| NAdamOptions {
            lr: f(m, "lr", 2e-3),
            betas: pair(m, "betas", (0.9, 0.999)),
            eps: f(m, "eps", 1e-8),
            weight_decay: f(m, "weight_decay", 0.0),
            momentum_decay: f(m, "momentum_decay", 4e-3),
            decoupled_weight_decay: b(m, "decoupled_weight_decay", false),
            maximize: b(m, "maximize", false),
        }),
        "radam" => dense::<RAdamAlgorithm>(case, |m| RAdamOptions {
            lr: f(m, "lr", 1e-3),
            betas: pair(m, "betas", (0.9, 0.999)),
            eps: f(m, "eps", 1e-8),
            weight_decay: f(m, "weight_decay", 0.0),
            decoupled_weight_decay: b(m, "decoupled_weight_decay", false),
            maximize: b(m, "maximize", false),
        }),
        "rmsprop" => dense::<RmspropAlgorithm>(case, |m| RmspropOptions {
            lr: f(m, "lr", 1e-2),
            alpha: f(m, "alpha", 0.99),
            eps: f(m, "eps", 1e-8),
            weight_decay: f(m, "weight_decay", 0.0),
            momentum: f(m, "momentum", 0.0),
            centered: b(m, "centered", false),
            maximize: b(m, "maximize", false),
        }),
        "rprop" => dense::<RpropAlgorithm>(case, |m| RpropOptions {
            lr: f(m, "lr", 1e-2),
            etas: pair(m, "etas", (0.5, 1.2)),
            step_sizes: pair(m, "step_sizes", (1e-6, 50.0)),
            maximize: b(m, "maximize", false),
        }),
        "sparse_adam" => dense::<SparseAdamAlgorithm>(case, |m| SparseAdamOptions {
            lr: f(m, "lr", 1e-3),
            betas: pair(m, "betas", (0.9, 0.999)),
            eps: f(m, "eps", 1e-8),
            maximize: b(m, "maximize", false),
        }),
        "lbfgs" => lbfgs(case),
        other => Outcome::Skip(format!("no optimizer `{other}`")),
    }
}

fn adam_options(m: &Opts, default_wd: f64) -> AdamOptions {
    AdamOptions {
        lr: f(m, "lr", 1e-3),
        betas: pair(m, "betas", (0.9, 0.999)),
        eps: f(m, "eps", 1e-8),
        weight_decay: f(m, "weight_decay", default_wd),
        amsgrad: b(m, "amsgrad", false),
        maximize: b(m, "maximize", false),
    }
}

fn tensors(v: Option<&Value>) -> Result<Vec<TensorData>, String> {
    v.and_then(Value::as_array)
        .ok_or("missing tensor list")?
        .iter()
        .map(TensorData::parse)
        .collect()
}

fn params_of(case: &Case) -> Result<Vec<Parameter<f64>>, String> {
    Ok(tensors(case.raw.get("params"))?
        .into_iter()
        .map(|t| Parameter::<f64>::of(t.data, &t.shape))
        .collect())
}

/// A Kiln error where PyTorch's `expected.error` may be due: passes when
/// PyTorch also fails and Kiln's message carries PyTorch's text.
fn on_error(case: &Case, e: crate::Error) -> Outcome {
    let Some(pytorch) = case.expected().get("error").and_then(Value::as_str) else {
        return Outcome::Fail(format!("Kiln error: {e}"));
    };
    let (kind, text) = pytorch.split_once(": ").unwrap_or(("", pytorch));
    // A Python crash inside PyTorch (LBFGS with max_eval 0 or
    // history_size 0) has no message of PyTorch's to match: any Kiln
    // error stands for it.
    let crash = matches!(kind, "UnboundLocalError" | "IndexError");
    if crash || e.to_string().contains(text) {
        Outcome::Pass
    } else {
        Outcome::Fail(format!(
            "Kiln's error `{e}` does not say PyTorch's `{text}`"
        ))
    }
}

fn check_step(case: &Case, step: usize, params: &[Parameter<f64>]) -> Result<(), String> {
    let expected = case
        .expected()
        .get("params")
        .and_then(Value::as_array)
        .and_then(|a| a.get(step))
        .ok_or(format!("no expected params for step {step}"))?;
    let expected = tensors(Some(expected))?;
    let tol = Tolerance::of(case);
    for (i, (p, e)) in params.iter().zip(&expected).enumerate() {
        compare(
            &format!("step {} param {i}", step + 1),
            p.shape(),
            &p.to_vec(),
            e,
            tol,
        )?;
    }
    Ok(())
}

fn dense<A: Algorithm>(case: &Case, parse: impl Fn(&Opts) -> A::Options) -> Outcome {
    let params = match params_of(case) {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let defaults = parse(&case.options);
    let groups = match case.raw.get("param_groups").and_then(Value::as_array) {
        None => vec![ParamGroup::new(params.clone(), defaults.clone())],
        Some(list) => {
            let mut groups = Vec::new();
            for g in list {
                let Some(g) = g.as_object() else {
                    return Outcome::Fail("bad case: a param group is not an object".into());
                };
                let mut merged = case.options.clone();
                for (k, v) in g.iter().filter(|(k, _)| *k != "params") {
                    merged.insert(k.clone(), v.clone());
                }
                let members = g
                    .get("params")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.as_u64().and_then(|i| params.get(i as usize).cloned()))
                    .collect();
                groups.push(ParamGroup::new(members, parse(&merged)));
            }
            groups
        }
    };
    let mut opt = match Optimizer::<A, f64>::with_groups(groups, defaults) {
        Ok(o) => o,
        Err(e) => return on_error(case, e),
    };
    let steps = case
        .raw
        .get("grads")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (k, step) in steps.iter().enumerate() {
        let grads = step.as_array().cloned().unwrap_or_default();
        for (p, g) in params.iter().zip(&grads) {
            p.zero_grad();
            if let Err(e) = set_grad(p, g) {
                return Outcome::Fail(format!("bad case: {e}"));
            }
        }
        if let Err(e) = opt.step() {
            return on_error(case, e);
        }
        if case.expects_error() {
            return Outcome::Fail("PyTorch rejects this case but Kiln stepped".into());
        }
        if let Err(why) = check_step(case, k, &params) {
            return Outcome::Fail(why);
        }
    }
    if case.expects_error() {
        return Outcome::Fail("PyTorch rejects this case but Kiln accepted it".into());
    }
    Outcome::Pass
}

fn set_grad(p: &Parameter<f64>, g: &Value) -> Result<(), String> {
    if g.is_null() {
        return Ok(());
    }
    if let Some(sparse) = g.get("sparse") {
        let rows: Vec<usize> = sparse
            .get("indices")
            .and_then(Value::as_array)
            .ok_or("sparse gradient without indices")?
            .iter()
            .map(|i| i.as_u64().map(|i| i as usize).ok_or("bad sparse index"))
            .collect::<Result<_, _>>()?;
        let values = TensorData::parse(sparse.get("values").ok_or("sparse without values")?)?;
        return p
            .accumulate_sparse_grad(&rows, &values.data)
            .map_err(|e| e.to_string());
    }
    let t = TensorData::parse(g)?;
    *p.grad_lock() = Some(t.data);
    Ok(())
}

/// The objective of an LBFGS case over the flattened parameters: value and
/// gradient.
/// Value and gradient at a flat point.
type Objective = Box<dyn Fn(&[f64]) -> (f64, Vec<f64>)>;

fn objective(case: &Case) -> Result<Objective, String> {
    let obj = case.raw.get("objective").ok_or("no objective")?;
    match obj.get("kind").and_then(Value::as_str) {
        Some("rosenbrock") => Ok(Box::new(|x: &[f64]| {
            let n = x.len();
            let mut value = 0.0;
            let mut grad = vec![0.0; n];
            for i in 0..n.saturating_sub(1) {
                let a = x[i + 1] - x[i] * x[i];
                let c = 1.0 - x[i];
                value += 100.0 * a * a + c * c;
                grad[i] += -400.0 * x[i] * a - 2.0 * c;
                grad[i + 1] += 200.0 * a;
            }
            (value, grad)
        })),
        Some("quadratic") => {
            let a = TensorData::parse(obj.get("a").ok_or("no a")?)?;
            let bv = TensorData::parse(obj.get("b").ok_or("no b")?)?;
            let n = bv.data.len();
            if a.data.len() != n * n {
                return Err("a is not n x n".into());
            }
            Ok(Box::new(move |x: &[f64]| {
                let mut value = 0.0;
                let mut grad = vec![0.0; n];
                for i in 0..n {
                    for j in 0..n {
                        value += 0.5 * x[i] * a.data[i * n + j] * x[j];
                        grad[i] += 0.5 * (a.data[i * n + j] + a.data[j * n + i]) * x[j];
                    }
                    value -= bv.data[i] * x[i];
                    grad[i] -= bv.data[i];
                }
                (value, grad)
            }))
        }
        other => Err(format!("unknown objective {other:?}")),
    }
}

fn lbfgs(case: &Case) -> Outcome {
    let params = match params_of(case) {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let m = &case.options;
    let line_search_fn = match m.get("line_search_fn").and_then(Value::as_str) {
        None => None,
        Some("strong_wolfe") => Some(LineSearch::StrongWolfe),
        Some(other) => return Outcome::Skip(format!("line search `{other}`")),
    };
    let max_iter = m.get("max_iter").and_then(Value::as_u64).unwrap_or(20) as usize;
    let options = LbfgsOptions {
        lr: f(m, "lr", 1.0),
        max_iter,
        max_eval: m
            .get("max_eval")
            .and_then(Value::as_u64)
            .map(|v| v as usize),
        tolerance_grad: f(m, "tolerance_grad", 1e-7),
        tolerance_change: f(m, "tolerance_change", 1e-9),
        history_size: m.get("history_size").and_then(Value::as_u64).unwrap_or(100) as usize,
        line_search_fn,
    };
    let mut opt = match LBFGS::new(params.clone(), options) {
        Ok(o) => o,
        Err(e) => return on_error(case, e),
    };
    let objective = match objective(case) {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let steps = case.raw.get("steps").and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut closure = || -> crate::Result<f64> {
        let x: Vec<f64> = params.iter().flat_map(|p| p.to_vec()).collect();
        let (value, grad) = objective(&x);
        let mut offset = 0;
        for p in &params {
            p.zero_grad();
            let n = p.numel();
            *p.grad_lock() = Some(grad[offset..offset + n].to_vec());
            offset += n;
        }
        Ok(value)
    };
    for k in 0..steps {
        if let Err(e) = opt.step(&mut closure) {
            return on_error(case, e);
        }
        if let Err(why) = check_step(case, k, &params) {
            return Outcome::Fail(why);
        }
    }
    Outcome::Pass
}
