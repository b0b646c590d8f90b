//! Checks the macros put on user-supplied modules, so a value or field that
//! is not a module gives one error, in words, at the user's token.

use super::Module;

/// Implemented by every [`Module`]; `#[derive(Module)]` reaches each child
/// field through it, so a field whose type is not a module is reported at
/// the field with the message below instead of a bare "`u32: Module` is not
/// satisfied" (no supertrait: the failing bound must be this trait's own).
///
/// `Field` is a type parameter of the derive's helper functions named after
/// the field (`count`), so the message can name it.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "field `{Field}` is not a module: mark it #[module(skip)] (plain data), #[module(param)] or #[module(buffer)]",
    label = "not a module",
    note = "every field of a #[derive(Module)] struct is a child module unless marked otherwise"
)]
pub trait AssertModule<Field> {
    /// The field as a child module.
    fn as_child(&self) -> &dyn Module;
    /// The field as a child module, mutably.
    fn as_child_mut(&mut self) -> &mut dyn Module;
}

#[diagnostic::do_not_recommend]
impl<M: Module, Field> AssertModule<Field> for M {
    fn as_child(&self) -> &dyn Module {
        self
    }
    fn as_child_mut(&mut self) -> &mut dyn Module {
        self
    }
}

/// Implemented by every [`Module`]; `sequential!` passes each entry that is
/// not a known layer through [`layer`], so an expression that is not a
/// module is reported at that entry, in words. (The container's own
/// `Chain` bound still fails after it: a second error, below this one.)
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a module, so it cannot be a layer of sequential!",
    label = "not a module",
    note = "a layer of sequential! is a known layer (Linear(3, 4), ReLU, ...) or an expression whose type implements Module"
)]
pub trait AssertLayer {}

#[diagnostic::do_not_recommend]
impl<M: Module> AssertLayer for M {}

/// Returns `m`, checking that it is a module.
#[doc(hidden)]
pub fn layer<M: AssertLayer>(m: M) -> M {
    m
}

/// `<T as Same<{ ... }>>::Out` is `T`: `Sequential![...]` puts its
/// `compile_error!`s in the const argument when it still knows the type, so
/// a reported mistake (a size mismatch) does not also break every use of the
/// type.
#[doc(hidden)]
pub trait Same<const ERRORS: usize> {
    /// `Self`.
    type Out: ?Sized;
}

impl<T: ?Sized, const ERRORS: usize> Same<ERRORS> for T {
    type Out = T;
}
