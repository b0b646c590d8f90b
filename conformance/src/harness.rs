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

/// Loads the named float tensors of `inputs` (and `params`), runs `f`, and
/// compares with the case's expectations.
pub(crate) fn evaluate(
    case: &Case,
    tensors: Vec<(String, TensorData)>,
    f: impl FnOnce(&Tensors) -> crate::Result<DynTensor<f64>>,
) -> Outcome {
    let wanted = case.requires_grad();
    let map = tensors
        .into_iter()
        .map(|(name, t)| {
            let tensor = t.to_f64().requires_grad_(wanted.contains(&name));
            (name, tensor)
        })
        .collect();
    let tensors = Tensors { map };
    let result = f(&tensors);
    let out = match (result, case.expects_error()) {
        (Err(_), true) => return Outcome::Pass,
        (Err(e), false) => return Outcome::Fail(format!("Kiln error: {e}")),
        (Ok(out), true) => {
            let pytorch = case
                .expected()
                .get("error")
                .and_then(|e| e.as_str())
                .unwrap_or("");
            return Outcome::Fail(format!(
                "PyTorch rejects this case ({pytorch}) but Kiln returned a value of shape {:?}",
                out.shape()
            ));
        }
        (Ok(out), false) => out,
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
