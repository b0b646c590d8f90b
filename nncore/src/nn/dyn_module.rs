//! Modules behind a pointer: `Box<dyn DynModule>` for lists and dicts
//! whose children have different types, and the runtime-shaped chain that
//! such containers forward through.

use super::{DynForward, Module};
use crate::{DynTensor, Error, Result};

/// A module that runs on runtime-shaped tensors: what a mixed
/// [`ModuleList`](super::ModuleList) or [`ModuleDict`](super::ModuleDict)
/// holds as `Box<dyn DynModule>`. Every type that is both a [`Module`] and
/// [`DynForward`] is one.
///
/// ```
/// use nncore::nn::{DynModule, Linear, ReLU};
/// use nncore::shape::{U2, U3};
/// let layers: Vec<Box<dyn DynModule>> = vec![Box::new(Linear::<U3, U2>::new()), Box::new(ReLU::new())];
/// assert_eq!(layers[0].type_name(), "Linear");
/// ```
pub trait DynModule: Module + DynForward {}

impl<M: Module + DynForward + ?Sized> DynModule for M {}

impl<M: Module + ?Sized> Module for Box<M> {
    fn type_name(&self) -> &str {
        (**self).type_name()
    }
    fn extra_repr(&self) -> String {
        (**self).extra_repr()
    }
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        (**self).named_children()
    }
    fn named_children_mut(&mut self) -> Vec<(String, &mut dyn Module)> {
        (**self).named_children_mut()
    }
    fn own_parameters(&self) -> Vec<(&str, &super::Parameter)> {
        (**self).own_parameters()
    }
    fn own_buffers(&self) -> Vec<(&str, &super::Buffer)> {
        (**self).own_buffers()
    }
    fn folds_repeated_children(&self) -> bool {
        (**self).folds_repeated_children()
    }
    fn is_training(&self) -> bool {
        (**self).is_training()
    }
    fn set_own_training(&mut self, training: bool) {
        (**self).set_own_training(training)
    }
}

impl<M: DynForward + ?Sized> DynForward for Box<M> {
    fn forward_dyn(&self, input: &DynTensor) -> Result<DynTensor> {
        (**self).forward_dyn(input)
    }
    fn forward_dyn_tuple(&self, inputs: &[&DynTensor]) -> Result<Vec<DynTensor>> {
        (**self).forward_dyn_tuple(inputs)
    }
}

/// Runs `layers` one after another on runtime-shaped tensors. A shape
/// error of a layer is reported as an error of `container` naming the
/// layer (`(2) Linear`), so a mismatch in a list built at run time says
/// where it is.
pub(crate) fn chain_dyn<'a, T: DynModule + 'a>(
    container: &'static str,
    layers: impl IntoIterator<Item = (String, &'a T)>,
    input: &DynTensor,
) -> Result<DynTensor> {
    let mut x = input.clone();
    for (name, layer) in layers {
        x = layer
            .forward_dyn(&x)
            .map_err(|e| at_layer(container, &name, layer.type_name(), e))?;
    }
    Ok(x)
}

/// Re-labels a child's error with the container and the child's name.
fn at_layer(container: &'static str, name: &str, type_name: &str, e: Error) -> Error {
    let label = |op: &str| {
        if op == type_name {
            format!("layer ({name}) {type_name}")
        } else {
            format!("layer ({name}) {type_name} ({op})")
        }
    };
    match e {
        Error::Shape {
            op,
            expected,
            found,
        } => Error::Shape {
            op: container,
            expected: format!("{} to get {expected}", label(op)),
            found,
        },
        Error::InvalidOption { op, option, reason } => Error::InvalidOption {
            op: container,
            option,
            reason: format!("{}: {reason}", label(op)),
        },
        other => other,
    }
}
