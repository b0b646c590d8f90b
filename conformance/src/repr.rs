//! The `repr` family: builds each described module tree at run time (the
//! same runtime construction a config-built model uses: `DynLayer`,
//! `DynSequential`, `ModuleList`, `ModuleDict`) and compares its printout
//! with PyTorch's `repr()`, character for character.

use super::Outcome;
use super::case::Case;
use super::options::layer_options;
use crate::nn::dynamic::{DynSequential, build_layer};
use crate::nn::spec::registry;
use crate::nn::{DynForward, DynModule, Module, ModuleDict, ModuleList, module_repr};
use crate::{DynTensor, Error};
use serde_json::Value;

/// Performs one repr case.
pub(crate) fn run(case: &Case) -> Outcome {
    let Some(tree) = case.raw.get("module") else {
        return Outcome::Fail("bad case: no `module`".into());
    };
    let Some(expected) = case.expected().get("repr").and_then(Value::as_str) else {
        return Outcome::Fail("bad case: no `expected.repr` string".into());
    };
    let module = match build(tree) {
        Ok(m) => m,
        Err(why) => {
            return match unbuildable_type(tree) {
                Some(type_name) => {
                    Outcome::Skip(format!("the module `{type_name}` is not implemented yet"))
                }
                None => Outcome::Fail(format!("cannot build the tree: {why}")),
            };
        }
    };
    let actual = module_repr(module.as_ref());
    if actual == expected {
        Outcome::Pass
    } else {
        Outcome::Fail(format!(
            "printout differs:\n--- Kiln\n{actual}\n--- PyTorch\n{expected}"
        ))
    }
}

/// The type of a leaf of the tree that Kiln has no layer for, if any: a
/// case that needs it is a skip (not yet implemented), not a failure.
fn unbuildable_type(tree: &Value) -> Option<String> {
    let type_name = tree.get("type").and_then(Value::as_str)?;
    match tree.get("children").and_then(Value::as_array) {
        Some(children) => children
            .iter()
            .filter_map(|pair| pair.get(1))
            .find_map(unbuildable_type),
        None => (!registry().iter().any(|r| r.name == type_name)).then(|| type_name.to_string()),
    }
}

/// Builds a described module tree (FORMAT.md, `repr`).
pub(crate) fn build(tree: &Value) -> Result<Box<dyn DynModule>, String> {
    let type_name = tree
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a module has no `type` string")?;
    let Some(children) = tree.get("children") else {
        let options = layer_options(tree.get("options"))?;
        return build_layer(type_name, &options).map_err(|e| e.to_string());
    };
    let children = children
        .as_array()
        .ok_or("`children` is not a list")?
        .iter()
        .map(|pair| {
            let name = pair.get(0).and_then(Value::as_str);
            let name = name.ok_or("a child is not a [name, module] pair")?;
            Ok((
                name.to_string(),
                build(pair.get(1).ok_or("a child has no module")?)?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let to_string = |e: Error| e.to_string();
    Ok(match type_name {
        "Sequential" => {
            let mut seq = DynSequential::new();
            for (name, child) in children {
                seq.push_named(&name, child).map_err(to_string)?;
            }
            Box::new(seq)
        }
        "ModuleList" => {
            for (i, (name, _)) in children.iter().enumerate() {
                if *name != i.to_string() {
                    return Err(format!("ModuleList child {i} is named {name:?}"));
                }
            }
            Box::new(children.into_iter().map(|(_, c)| c).collect::<ModuleList>())
        }
        "ModuleDict" => Box::new(ModuleDict::from_pairs(children).map_err(to_string)?),
        other => Box::new(Custom {
            type_name: other.to_string(),
            children: ModuleDict::from_pairs(children).map_err(to_string)?,
        }),
    })
}

/// A user's `nn.Module` subclass (`MLP`): its children are attributes
/// assigned in order; its forward is user code the description lacks.
struct Custom {
    type_name: String,
    children: ModuleDict,
}

impl Module for Custom {
    fn type_name(&self) -> &str {
        &self.type_name
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        self.children.named_children()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        self.children.named_children_mut()
    }
}

impl DynForward for Custom {
    fn forward_dyn(&self, _: &DynTensor) -> crate::Result<DynTensor> {
        Err(Error::option(
            "repr",
            "module",
            format!(
                "a described {} has no forward (it is user code)",
                self.type_name
            ),
        ))
    }
}
