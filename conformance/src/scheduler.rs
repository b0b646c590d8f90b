//! The `scheduler` family: builds the case's optimizer (SGD or Adam, one
//! parameter per group), the scheduler, steps it, and compares each
//! group's lr (and momentum for `one_cycle_lr`) with PyTorch's.

use super::Outcome;
use super::case::{Case, number};
use super::compare::Tolerance;
use crate::nn::Parameter;
use crate::optim::lr_scheduler::{
    AnnealStrategy, CosineAnnealingLR, ExponentialLR, LinearLR, LrScheduler, MultiStepLR,
    OneCycleLR, OneCycleOptions, PlateauMode, PlateauOptions, ReduceLROnPlateau, StepLR,
    ThresholdMode,
};
use crate::optim::{
    Adam, AdamOptions, LrGroups, Optimizer, ParamGroup, SGD, SgdAlgorithm, SgdOptions,
};
use serde_json::{Map, Value};

type Opts = Map<String, Value>;

fn f(m: &Opts, key: &str, default: f64) -> f64 {
    m.get(key).and_then(number).unwrap_or(default)
}

fn u(m: &Opts, key: &str) -> Option<usize> {
    m.get(key).and_then(Value::as_u64).map(|v| v as usize)
}

/// One value or a list, as a list.
fn list(m: &Opts, key: &str, default: f64) -> Vec<f64> {
    match m.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(number).collect(),
        Some(v) => vec![number(v).unwrap_or(default)],
        None => vec![default],
    }
}

fn build_optimizer(case: &Case) -> Result<Box<dyn LrGroups>, String> {
    let spec = case
        .raw
        .get("optimizer")
        .and_then(Value::as_object)
        .ok_or("no optimizer")?;
    let op = spec.get("op").and_then(Value::as_str).unwrap_or("sgd");
    let base = spec
        .get("options")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let groups: Vec<Opts> = match spec.get("param_groups").and_then(Value::as_array) {
        None => vec![base.clone()],
        Some(list) => list
            .iter()
            .map(|g| {
                let mut merged = base.clone();
                for (k, v) in g.as_object().into_iter().flatten() {
                    merged.insert(k.clone(), v.clone());
                }
                merged
            })
            .collect(),
    };
    let param = || Parameter::new(vec![0.0], &[1]);
    let err = |e: crate::Error| e.to_string();
    match op {
        "sgd" => {
            let o = |m: &Opts| SgdOptions {
                lr: f(m, "lr", 1e-3),
                momentum: f(m, "momentum", 0.0),
                dampening: f(m, "dampening", 0.0),
                weight_decay: f(m, "weight_decay", 0.0),
                nesterov: m.get("nesterov").and_then(Value::as_bool).unwrap_or(false),
                maximize: false,
            };
            let groups = groups
                .iter()
                .map(|g| ParamGroup::new(vec![param()], o(g)))
                .collect();
            let opt: SGD = Optimizer::<SgdAlgorithm>::with_groups(groups, o(&base)).map_err(err)?;
            Ok(Box::new(opt))
        }
        "adam" => {
            let o = |m: &Opts| AdamOptions {
                lr: f(m, "lr", 1e-3),
                ..AdamOptions::default()
            };
            let groups = groups
                .iter()
                .map(|g| ParamGroup::new(vec![param()], o(g)))
                .collect();
            let opt = Adam::with_groups(groups, o(&base)).map_err(err)?;
            Ok(Box::new(opt))
        }
        other => Err(format!(
            "optimizer `{other}` is not used by scheduler cases"
        )),
    }
}

enum Sched {
    Epoch(Box<dyn LrScheduler>),
    Plateau(ReduceLROnPlateau),
}

fn build(case: &Case, opt: &mut dyn LrGroups) -> Result<Option<Sched>, crate::Error> {
    let m = &case.options;
    let s: Box<dyn LrScheduler> = match case.op.as_str() {
        "step_lr" => Box::new(StepLR::new(
            opt,
            u(m, "step_size").unwrap_or(1),
            f(m, "gamma", 0.1),
        )?),
        "multi_step_lr" => {
            let milestones = m
                .get("milestones")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_u64().map(|v| v as usize))
                        .collect()
                })
                .unwrap_or_default();
            Box::new(MultiStepLR::new(opt, milestones, f(m, "gamma", 0.1))?)
        }
        "exponential_lr" => Box::new(ExponentialLR::new(opt, f(m, "gamma", 0.1))?),
        "cosine_annealing_lr" => Box::new(CosineAnnealingLR::new(
            opt,
            u(m, "T_max").unwrap_or(1),
            f(m, "eta_min", 0.0),
        )?),
        "linear_lr" => Box::new(LinearLR::new(
            opt,
            f(m, "start_factor", 1.0 / 3.0),
            f(m, "end_factor", 1.0),
            u(m, "total_iters").unwrap_or(5),
        )?),
        "one_cycle_lr" => {
            let o = OneCycleOptions {
                max_lr: list(m, "max_lr", 0.1),
                total_steps: u(m, "total_steps"),
                epochs: u(m, "epochs"),
                steps_per_epoch: u(m, "steps_per_epoch"),
                pct_start: f(m, "pct_start", 0.3),
                anneal_strategy: match m.get("anneal_strategy").and_then(Value::as_str) {
                    Some("linear") => AnnealStrategy::Linear,
                    _ => AnnealStrategy::Cos,
                },
                cycle_momentum: m
                    .get("cycle_momentum")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                base_momentum: list(m, "base_momentum", 0.85),
                max_momentum: list(m, "max_momentum", 0.95),
                div_factor: f(m, "div_factor", 25.0),
                final_div_factor: f(m, "final_div_factor", 1e4),
                three_phase: m
                    .get("three_phase")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            };
            Box::new(OneCycleLR::new(opt, o)?)
        }
        "reduce_lr_on_plateau" => {
            let o = PlateauOptions {
                mode: match m.get("mode").and_then(Value::as_str) {
                    Some("max") => PlateauMode::Max,
                    _ => PlateauMode::Min,
                },
                factor: f(m, "factor", 0.1),
                patience: u(m, "patience").unwrap_or(10),
                threshold: f(m, "threshold", 1e-4),
                threshold_mode: match m.get("threshold_mode").and_then(Value::as_str) {
                    Some("abs") => ThresholdMode::Abs,
                    _ => ThresholdMode::Rel,
                },
                cooldown: u(m, "cooldown").unwrap_or(0),
                min_lr: list(m, "min_lr", 0.0),
                eps: f(m, "eps", 1e-8),
            };
            return Ok(Some(Sched::Plateau(ReduceLROnPlateau::new(opt, o)?)));
        }
        _ => return Ok(None),
    };
    Ok(Some(Sched::Epoch(s)))
}

fn close(what: &str, actual: &[f64], expected: &Value, tol: Tolerance) -> Result<(), String> {
    let expected: Vec<f64> = expected
        .as_array()
        .ok_or(format!("bad case: {what} is not a list"))?
        .iter()
        .filter_map(number)
        .collect();
    if expected.len() != actual.len() {
        return Err(format!(
            "{what}: {} groups, expected {}",
            actual.len(),
            expected.len()
        ));
    }
    for (g, (a, e)) in actual.iter().zip(&expected).enumerate() {
        if (a - e).abs() > tol.atol + tol.rtol * e.abs() {
            return Err(format!("{what}: group {g}: got {a}, expected {e}"));
        }
    }
    Ok(())
}

fn momenta(opt: &dyn LrGroups) -> Vec<f64> {
    (0..opt.num_groups())
        .map(|g| opt.group_momentum(g).unwrap_or(f64::NAN))
        .collect()
}

fn lrs(opt: &dyn LrGroups) -> Vec<f64> {
    (0..opt.num_groups()).map(|g| opt.group_lr(g)).collect()
}

fn on_error(case: &Case, e: crate::Error) -> Outcome {
    let Some(pytorch) = case.expected().get("error").and_then(Value::as_str) else {
        return Outcome::Fail(format!("Kiln error: {e}"));
    };
    let text = pytorch.split_once(": ").map_or(pytorch, |(_, m)| m);
    if e.to_string().contains(text) {
        Outcome::Pass
    } else {
        Outcome::Fail(format!(
            "Kiln's error `{e}` does not say PyTorch's `{text}`"
        ))
    }
}

/// Runs one scheduler case.
pub(crate) fn run(case: &Case) -> Outcome {
    let mut opt = match build_optimizer(case) {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let mut sched = match build(case, opt.as_mut()) {
        Ok(Some(s)) => s,
        Ok(None) => return Outcome::Skip(format!("no scheduler `{}`", case.op)),
        Err(e) => return on_error(case, e),
    };
    let tol = Tolerance::of(case);
    let expected = case.expected();
    let check = |what: &str, actual: &[f64]| -> Result<(), String> {
        match expected.get(what) {
            Some(e) => close(what, actual, e, tol),
            None => Ok(()),
        }
    };
    if let Err(why) = check("initial_lr", &lrs(opt.as_ref()))
        .and_then(|()| check("initial_momentum", &momenta(opt.as_ref())))
    {
        return Outcome::Fail(why);
    }
    let steps = case.raw.get("steps").and_then(Value::as_u64).unwrap_or(0) as usize;
    let metrics: Vec<f64> = case
        .raw
        .get("metrics")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(number).collect())
        .unwrap_or_default();
    let at = |key: &str, k: usize| expected.get(key).and_then(|v| v.get(k)).cloned();
    for k in 0..steps {
        let stepped = match &mut sched {
            Sched::Epoch(s) => s.step(opt.as_mut()),
            Sched::Plateau(s) => match metrics.get(k) {
                Some(&metric) => s.step(opt.as_mut(), metric),
                None => return Outcome::Fail(format!("bad case: no metric for epoch {k}")),
            },
        };
        if let Err(e) = stepped {
            return on_error(case, e);
        }
        if case.expects_error() {
            continue;
        }
        let step_check = |key: &str, actual: Vec<f64>| match at(key, k) {
            Some(e) => close(&format!("{key} after step {}", k + 1), &actual, &e, tol),
            None if key == "lr" => Err(format!("bad case: no expected lr for step {}", k + 1)),
            None => Ok(()),
        };
        if let Err(why) = step_check("lr", lrs(opt.as_ref()))
            .and_then(|()| step_check("momentum", momenta(opt.as_ref())))
        {
            return Outcome::Fail(why);
        }
    }
    if case.expects_error() {
        return Outcome::Fail("PyTorch rejects this case but Kiln accepted it".into());
    }
    Outcome::Pass
}
