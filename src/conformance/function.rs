//! The `function` family: `torch.nn.functional` functions.

use super::Outcome;
use super::case::Case;
use super::harness::{evaluate, float_inputs};

/// Performs one function case.
pub(crate) fn run(case: &Case) -> Outcome {
    match perform(case) {
        Ok(outcome) => outcome,
        Err(why) => Outcome::Fail(format!("bad case: {why}")),
    }
}

fn perform(case: &Case) -> Result<Outcome, String> {
    let input = || float_inputs(case, &["input"]);
    Ok(match case.op.as_str() {
        "softmax" => {
            let dim = case.i64_option("dim", -1) as isize;
            evaluate(case, input()?, |t| t.get("input").softmax(dim))
        }
        "log_softmax" => {
            let dim = case.i64_option("dim", -1) as isize;
            evaluate(case, input()?, |t| t.get("input").log_softmax(dim))
        }
        "relu" => evaluate(case, input()?, |t| Ok(t.get("input").relu())),
        "sigmoid" => evaluate(case, input()?, |t| Ok(t.get("input").sigmoid())),
        "tanh" => evaluate(case, input()?, |t| Ok(t.get("input").tanh())),
        other => Outcome::Skip(format!("the function `{other}` is not implemented yet")),
    })
}
