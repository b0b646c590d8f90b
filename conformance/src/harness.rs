//! Performing a differentiable case: build the inputs, run Kiln, compare
//! the output and every requested gradient with PyTorch's.

use super::Outcome;
use super::case::{Case, TensorData};
use super::compare::{Tolerance, compare};
use crate::DynTensor;
use crate::autograd::backward_with;
use std::collections::BTreeMap;

/// The float tensors of a case by name, marked `requires_grad` as the case
/// says.
pub(crate) struct Tensors {
    map: BTreeMap<String, DynTensor<f64>>,
}

impl Tensors {
    /// The tensor of this name.
    ///
    /// # Panics
    /// When the family code asks for a name it did not load (a bug in the
    /// runner, reported by `run_case` as a failure).
    pub(crate) fn get(&self, name: &str) -> &DynTensor<f64> {
        self.map
            .get(name)
            .unwrap_or_else(|| panic!("runner bug: tensor `{name}` was not loaded"))
    }

    /// The tensor of this name, if loaded.
    pub(crate) fn opt(&self, name: &str) -> Option<&DynTensor<f64>> {
        self.map.get(name)
    }
}

impl Tensors {
    /// The case's float tensors, each marked `requires_grad` if the case
    /// asks for its gradient.
    fn load(case: &Case, tensors: Vec<(String, TensorData)>) -> Self {
        let wanted = case.requires_grad();
        let map = tensors
            .into_iter()
            .map(|(name, t)| {
                let tensor = t.to_f64().requires_grad_(wanted.contains(&name));
                (name, tensor)
            })
            .collect();
        Tensors { map }
    }
}

/// Kiln's result against the case's `expected.error`: the value to compare
/// when both agree there is one, else the case's outcome (a pass when both
/// refuse; `returned` describes a value Kiln gave where PyTorch refused).
fn settle<T>(
    case: &Case,
    result: crate::Result<T>,
    returned: impl FnOnce(&T) -> String,
) -> Result<T, Outcome> {
    match (result, case.expects_error()) {
        (Err(_), true) => Err(Outcome::Pass),
        (Err(e), false) => Err(Outcome::Fail(format!("Kiln error: {e}"))),
        (Ok(value), true) => {
            let pytorch = case.expected().get("error").and_then(|e| e.as_str());
            Err(Outcome::Fail(format!(
                "PyTorch rejects this case ({}) but Kiln returned {}",
                pytorch.unwrap_or(""),
                returned(&value)
            )))
        }
        (Ok(value), false) => Ok(value),
    }
}

/// Loads the named float tensors of `inputs` (and `params`), runs `f`, and
/// compares with the case's expectations.
pub(crate) fn evaluate(
    case: &Case,
    tensors: Vec<(String, TensorData)>,
    f: impl FnOnce(&Tensors) -> crate::Result<DynTensor<f64>>,
) -> Outcome {
    let tensors = Tensors::load(case, tensors);
    let out = match settle(case, f(&tensors), |out| {
        format!("a value of shape {:?}", out.shape())
    }) {
        Ok(out) => out,
        Err(outcome) => return outcome,
    };
    let tol = Tolerance::of(case);
    let expected = match case.expected_output() {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    if let Err(why) = compare("output", out.shape(), &out.to_vec(), &expected, tol) {
        return Outcome::Fail(why);
    }
    check_grads(case, &tensors, &out, tol)
}

/// Back-propagates `grad_output` and compares each requested gradient.
pub(crate) fn check_grads(
    case: &Case,
    tensors: &Tensors,
    out: &DynTensor<f64>,
    tol: Tolerance,
) -> Outcome {
    let wanted = case.requires_grad();
    if wanted.is_empty() {
        return Outcome::Pass;
    }
    let grad_output = match case.grad_output() {
        Ok(Some(g)) => g.data,
        Ok(None) => vec![1.0; out.numel()],
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    if out.requires_grad()
        && let Err(e) = backward_with(out, grad_output)
    {
        return Outcome::Fail(format!("backward failed: {e}"));
    }
    for name in &wanted {
        let Some(tensor) = tensors.opt(name) else {
            return Outcome::Skip(format!(
                "the gradient of `{name}` is not computed by this runner"
            ));
        };
        let expected = match case.expected_grad(name) {
            Ok(Some(e)) => e,
            Ok(None) => continue,
            Err(e) => return Outcome::Fail(format!("bad case: {e}")),
        };
        let actual = tensor.grad().unwrap_or_else(|| vec![0.0; tensor.numel()]);
        if let Err(why) = compare(
            &format!("grad of {name}"),
            tensor.shape(),
            &actual,
            &expected,
            tol,
        ) {
            return Outcome::Fail(why);
        }
    }
    Outcome::Pass
}

/// The float inputs of a case, by name.
pub(crate) fn float_inputs(
    case: &Case,
    names: &[&str],
) -> Result<Vec<(String, TensorData)>, String> {
    names
        .iter()
        .filter(|n| case.has_input(n))
        .map(|n| case.input(n).map(|t| (n.to_string(), t)))
        .collect()
}

/// Loads the named float tensors, runs `f` (which returns every output by
/// its PyTorch name), compares each with `expected.outputs`, then
/// back-propagates the sum over outputs of `(output * grad_output).sum()`
/// (FORMAT.md, `sequence`) and compares every requested gradient.
///
/// An expected output Kiln did not return fails the case; an output Kiln
/// returns beyond those is ignored (PyTorch's `None`, e.g. attention
/// weights with `need_weights=False`, has no entry in the case).
pub(crate) fn evaluate_outputs(
    case: &Case,
    tensors: Vec<(String, TensorData)>,
    f: impl FnOnce(&Tensors) -> crate::Result<Vec<(String, DynTensor<f64>)>>,
) -> Outcome {
    let tensors = Tensors::load(case, tensors);
    let outputs = match settle(case, f(&tensors), |_| "outputs".to_string()) {
        Ok(outputs) => outputs,
        Err(outcome) => return outcome,
    };
    let tol = Tolerance::of(case);
    let expected = match named_tensors(case.expected().get("outputs")) {
        Ok(e) => e,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    if expected.is_empty() {
        return Outcome::Fail("bad case: no `expected.outputs`".into());
    }
    for (name, want) in &expected {
        let Some((_, got)) = outputs.iter().find(|(n, _)| n == name) else {
            return Outcome::Fail(format!("Kiln returned no output `{name}`"));
        };
        if let Err(why) = compare(name, got.shape(), &got.to_vec(), want, tol) {
            return Outcome::Fail(why);
        }
    }
    if case.requires_grad().is_empty() {
        return Outcome::Pass;
    }
    let grad_outputs = match named_tensors(case.raw.get("grad_outputs")) {
        Ok(g) => g,
        Err(e) => return Outcome::Fail(format!("bad case: {e}")),
    };
    let mut total: Option<DynTensor<f64>> = None;
    for (name, grad) in &grad_outputs {
        let Some((_, out)) = outputs.iter().find(|(n, _)| n == name) else {
            return Outcome::Fail(format!("Kiln returned no output `{name}`"));
        };
        let term = match out.mul(&grad.to_f64()) {
            Ok(product) => product.sum(),
            Err(e) => return Outcome::Fail(format!("Kiln error: {e}")),
        };
        total = Some(match total {
            None => term,
            Some(sum) => match sum.add(&term) {
                Ok(s) => s,
                Err(e) => return Outcome::Fail(format!("Kiln error: {e}")),
            },
        });
    }
    match total {
        Some(root) if root.requires_grad() => check_grads(case, &tensors, &root, tol),
        // No output depends on a requested tensor: every gradient is zero.
        _ => check_grads(
            case,
            &tensors,
            &DynTensor::zeros(&[]).expect("a scalar"),
            tol,
        ),
    }
}

/// A JSON object of TENSORs by name (`expected.outputs`, `grad_outputs`).
fn named_tensors(v: Option<&serde_json::Value>) -> Result<Vec<(String, TensorData)>, String> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let o = v.as_object().ok_or("expected an object of tensors")?;
    o.iter()
        .map(|(k, v)| TensorData::parse(v).map(|t| (k.clone(), t)))
        .collect()
}
