//! The typed functional API, shape ops: `reshape` / `view`, `flatten`,
//! `permute` / `transpose`, `unsqueeze` / `squeeze`, `narrow`, `cat` and
//! `stack`, each bounded by its rule in `shape::rules`.
//!
//! Dimensions are `const` arguments, as PyTorch users write them:
//! `x.flatten::<1>()` is `torch.flatten(x, 1)`, `x.transpose::<0, 1>()` is
//! `x.transpose(0, 1)`. They count from 0; there are no negative
//! dimensions in the type (write the last dimension's number).

use super::Tensor;
use crate::shape::{
    At, AxisRule, CatOut, CatOutput, CatRule, DeclaredShape, Dim, Dyn, FlattenFromOut,
    FlattenFromRule, FlattenRangeOut, FlattenRangeRule, InsertDim, InsertRule, NarrowOut,
    NarrowRule, Permute2Out, Permute3Out, Permute4Out, PermuteOutput2, PermuteOutput3,
    PermuteOutput4, PermuteRule2, PermuteRule3, PermuteRule4, RemoveDim, ReshapeOut, ReshapeRule,
    ReshapeTarget, Shape, SqueezeRule, TransposeOut, TransposeRule, U1,
};
use crate::{DynTensor, Element, Result};
use typenum::{Const, ToUInt, U};

/// The result of a runtime op whose static sizes the rule has proven: an
/// error can only come from a runtime (`Dyn`) size, which is a panic in
/// the typed API (see docs/design.md).
pub(super) fn runtime<T>(result: Result<T>) -> T {
    result.unwrap_or_else(|e| panic!("{e}"))
}

impl<S: Shape, E: Element> Tensor<S, E> {
    /// The same elements in the shape `T`, like `x.reshape(..)`: `T` lists
    /// static sizes and at most one [`Infer`](crate::shape::Infer)
    /// (PyTorch's `-1`). The element counts must agree (a compile error
    /// when the sizes are static).
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U4, U4)>::zeros((Dyn(3), U4::new(), U4::new())).unwrap();
    /// let y: Tensor<(Dyn, U16)> = x.reshape::<(Infer, U16)>();
    /// assert_eq!(y.dims().as_slice(), &[3, 16]);
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) element count does not fit `T`.
    pub fn reshape<T: ReshapeTarget>(&self) -> Tensor<ReshapeOut<S, T>, E>
    where
        S: ReshapeRule<T>,
    {
        let shape = self.shape().reshape_output();
        let (from, to) = (self.dims(), shape.dims());
        if from.numel() != to.numel() {
            panic!(
                "reshape: runtime sizes: a tensor of shape {from} ({} elements) does not fit {}",
                from.numel(),
                to
            );
        }
        Tensor::from_raw_unchecked(self.as_dyn().reshaped(to.as_slice()), shape)
    }

    /// [`reshape`](Self::reshape) (Kiln tensors are always contiguous, so a
    /// view and a reshape are the same), like `x.view(..)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(U2, U6)>::zeros((U2::new(), U6::new())).unwrap();
    /// assert_eq!(x.view::<(U3, Infer)>().dims().as_slice(), &[3, 4]);
    /// ```
    ///
    /// # Panics
    /// As [`reshape`](Self::reshape).
    pub fn view<T: ReshapeTarget>(&self) -> Tensor<ReshapeOut<S, T>, E>
    where
        S: ReshapeRule<T>,
    {
        self.reshape::<T>()
    }

    /// Dimensions `START` to the last multiplied into one, like
    /// `torch.flatten(x, START)`: `x.flatten::<1>()` keeps the batch.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U64, U12, U12)>::zeros((Dyn(2), U64::new(), U12::new(), U12::new())).unwrap();
    /// let y: Tensor<(Dyn, typenum::Prod<U9, U1024>)> = x.flatten::<1>();
    /// assert_eq!(y.dims().as_slice(), &[2, 9216]);
    /// ```
    pub fn flatten<const START: usize>(&self) -> Tensor<FlattenFromOut<S, START>, E>
    where
        S: FlattenFromRule<START>,
    {
        let shape = self.shape().flatten_from_output();
        Tensor::from_raw_unchecked(self.as_dyn().reshaped(shape.dims().as_slice()), shape)
    }

    /// This tensor as the shape its code declares, checked by the compiler
    /// with a message in words: `let y: Tensor<(Dyn, U10)> =
    /// model.forward(x).declared();` for a model whose last layer outputs
    /// 100 features fails with "declared shape mismatch: dimension 1 of
    /// this tensor is 100, but the declared type says 10", where the
    /// annotation alone gives rustc's E0308 with typenum types. The
    /// declared type comes from the context (the annotation or the
    /// function's return type). A [`Dyn`] size on either side is compared
    /// when the code runs.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U10)>::zeros((Dyn(4), U10::new())).unwrap();
    /// let y: Tensor<(Dyn, U10)> = x.declared();
    /// let z: Tensor<(U4, U10)> = y.declared(); // the batch, checked at run time
    /// assert_eq!(z.dims().as_slice(), &[4, 10]);
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) size differs from the declared static size.
    pub fn declared<T: Shape>(self) -> Tensor<T, E>
    where
        S: DeclaredShape<T>,
    {
        let dims = self.dims();
        let shape = T::from_dims(dims.as_slice()).unwrap_or_else(|| {
            panic!(
                "declared: runtime sizes: a tensor of shape {dims} does not fit the declared {}",
                T::describe()
            )
        });
        Tensor::from_raw_unchecked(self.into_dyn(), shape)
    }

    /// `torch.flatten(x, START, END)`: dimensions `START` to `END` (both
    /// included) become one, their product. `x.flatten_range::<2, 3>()`
    /// turns `(N, C, H, W)` into `(N, C, H*W)`, the sequence a
    /// vision-transformer patch embedding reads.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U64, U12, U12)>::zeros((Dyn(2), U64::new(), U12::new(), U12::new())).unwrap();
    /// let y: Tensor<(Dyn, U64, U144)> = x.flatten_range::<2, 3>();
    /// assert_eq!(y.dims().as_slice(), &[2, 64, 144]);
    /// ```
    pub fn flatten_range<const START: usize, const END: usize>(
        &self,
    ) -> Tensor<FlattenRangeOut<S, START, END>, E>
    where
        S: FlattenRangeRule<START, END>,
    {
        let shape = self.shape().flatten_range_output();
        Tensor::from_raw_unchecked(self.as_dyn().reshaped(shape.dims().as_slice()), shape)
    }

    /// Dimensions `D0` and `D1` swapped, like `x.transpose(D0, D1)` (a copy:
    /// Kiln tensors are contiguous).
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U3)>::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], (Dyn(2), U3::new())).unwrap();
    /// let t: Tensor<(U3, Dyn)> = x.transpose::<0, 1>();
    /// assert_eq!(t.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    /// ```
    pub fn transpose<const D0: usize, const D1: usize>(&self) -> Tensor<TransposeOut<S, D0, D1>, E>
    where
        S: TransposeRule<D0, D1>,
    {
        let shape = self.shape().transpose_output();
        let y = runtime(self.as_dyn().transpose(D0 as isize, D1 as isize));
        Tensor::from_raw_unchecked(y, shape)
    }

    /// A new dimension of size 1 at position `D` (0 to the rank), like
    /// `x.unsqueeze(D)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(U3, U4)>::zeros((U3::new(), U4::new())).unwrap();
    /// let y: Tensor<(U1, U3, U4)> = x.unsqueeze::<0>();
    /// let z: Tensor<(U3, U4, U1)> = x.unsqueeze::<2>();
    /// # let _ = (y, z);
    /// ```
    pub fn unsqueeze<const D: usize>(&self) -> Tensor<InsertDim<S, D, U1>, E>
    where
        S: InsertRule<D>,
    {
        let shape = self.shape().inserted(U1::new());
        Tensor::from_raw_unchecked(self.as_dyn().reshaped(shape.dims().as_slice()), shape)
    }

    /// Dimension `D` removed, which must have size 1, like `x.squeeze(D)`.
    /// Unlike PyTorch, a dimension of another size is an error, not left in
    /// place: the rank of a typed tensor cannot depend on a size.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U1, U5)>::zeros((Dyn(2), U1::new(), U5::new())).unwrap();
    /// let y: Tensor<(Dyn, U5)> = x.squeeze::<1>();
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When dimension `D` is a runtime (`Dyn`) size other than 1.
    pub fn squeeze<const D: usize>(&self) -> Tensor<RemoveDim<S, D>, E>
    where
        S: SqueezeRule<D>,
    {
        let size = self.dims().as_slice()[D];
        if size != 1 {
            panic!("squeeze::<{D}>(): dimension {D} has the runtime size {size}, not 1");
        }
        let shape = self.shape().removed();
        Tensor::from_raw_unchecked(self.as_dyn().reshaped(shape.dims().as_slice()), shape)
    }

    /// `LEN` elements of dimension `D` from `START`, like
    /// `x.narrow(D, START, LEN)` or the slice `x[:, START:START + LEN]`
    /// (`START` and `LEN` are literals up to 1024).
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U4)>::from_vec((0..8).map(|v| v as f32).collect(), (Dyn(2), U4::new())).unwrap();
    /// let y: Tensor<(Dyn, U2)> = x.narrow::<1, 1, 2>();
    /// assert_eq!(y.to_vec(), vec![1.0, 2.0, 5.0, 6.0]);
    /// ```
    ///
    /// # Panics
    /// When dimension `D` is a runtime (`Dyn`) size smaller than `START + LEN`.
    pub fn narrow<const D: usize, const START: usize, const LEN: usize>(
        &self,
    ) -> Tensor<NarrowOut<S, D, LEN>, E>
    where
        S: NarrowRule<D, START, LEN>,
        Const<LEN>: ToUInt,
        U<LEN>: Dim + Default,
    {
        let shape = <S as At<D>>::with(self.shape(), U::<LEN>::default());
        let y = runtime(self.as_dyn().narrow(D as isize, START, LEN));
        Tensor::from_raw_unchecked(y, shape)
    }

    /// Element `index` of dimension `D` (negative counts from the end),
    /// removing the dimension, like `x.select(D, index)` or `x[:, -1]`: the
    /// last time step of a recurrent layer's `output` is
    /// `output.select::<1>(-1)` whatever the (runtime) sequence length.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, Dyn, U2)>::from_vec((0..12).map(|v| v as f32).collect(), (Dyn(2), Dyn(3), U2::new())).unwrap();
    /// let last: Tensor<(Dyn, U2)> = x.select::<1>(-1);
    /// assert_eq!(last.to_vec(), vec![4.0, 5.0, 10.0, 11.0]);
    /// ```
    ///
    /// # Panics
    /// When `index` is outside dimension `D` (its size is known only at run
    /// time when it is `Dyn`).
    pub fn select<const D: usize>(&self, index: isize) -> Tensor<RemoveDim<S, D>, E>
    where
        S: AxisRule<D>,
    {
        let size = self.dims().as_slice()[D];
        let start = if index < 0 {
            index + size as isize
        } else {
            index
        };
        if !(0..size as isize).contains(&start) {
            panic!("select::<{D}>({index}): index out of range for dimension {D} of size {size}");
        }
        let shape = self.shape().removed();
        let y = runtime(self.as_dyn().narrow(D as isize, start as usize, 1));
        Tensor::from_raw_unchecked(y.reshaped(shape.dims().as_slice()), shape)
    }

    /// This tensor and `other` joined along dimension `D`, like
    /// `torch.cat([self, other], D)`: every other dimension must agree.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let a = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
    /// let b = Tensor::<(Dyn, U5)>::zeros((Dyn(2), U5::new())).unwrap();
    /// let y: Tensor<(Dyn, U8)> = a.cat::<1, _>(&b);
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When another dimension is a runtime (`Dyn`) size that differs.
    pub fn cat<const D: usize, S2: Shape>(
        &self,
        other: &Tensor<S2, E>,
    ) -> Tensor<CatOut<S, S2, D>, E>
    where
        S: CatRule<S2, D>,
    {
        let shape = CatOutput::<S2, D>::cat_output(self.shape(), other.shape());
        let y = runtime(crate::ops::cat(
            &[self.as_dyn(), other.as_dyn()],
            D as isize,
        ));
        Tensor::from_raw_unchecked(y, shape)
    }

    /// Tensors of one shape joined along a new dimension `D` (0 to the
    /// rank), like `torch.stack(tensors, D)`; the new dimension's size is
    /// the number of tensors, known at run time.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let rows = vec![Tensor::<(U3,)>::zeros((U3::new(),)).unwrap(); 4];
    /// let y: Tensor<(Dyn, U3)> = Tensor::stack::<0>(&rows).unwrap();
    /// assert_eq!(y.dims().as_slice(), &[4, 3]);
    /// ```
    ///
    /// # Errors
    /// An empty list, or runtime (`Dyn`) sizes that differ between the tensors.
    pub fn stack<const D: usize>(tensors: &[Self]) -> Result<Tensor<InsertDim<S, D, Dyn>, E>>
    where
        S: InsertRule<D>,
    {
        let raw: Vec<&DynTensor<E>> = tensors.iter().map(Tensor::as_dyn).collect();
        let y = crate::ops::stack(&raw, D)?;
        // `ops::stack` refused an empty list and differing shapes.
        let shape = tensors[0].shape().inserted(Dyn(tensors.len()));
        Ok(Tensor::from_raw_unchecked(y, shape))
    }
}

macro_rules! typed_permute {
    ($rule:ident, $output:ident, $alias:ident; [$($d:ident),*]; $($p:ident),*) => {
        impl<$($d: Dim,)* E: Element> Tensor<($($d,)*), E> {
            /// The dimensions reordered: output dimension `i` is input
            /// dimension `P_i`, like `x.permute(..)` (a copy: Kiln tensors
            /// are contiguous). Each dimension must be listed once.
            ///
            /// ```
            /// use nncore::{Tensor, shape::*};
            /// let x = Tensor::<(Dyn, U3, U4, U5)>::zeros((Dyn(2), U3::new(), U4::new(), U5::new())).unwrap();
            /// let nhwc: Tensor<(Dyn, U4, U5, U3)> = x.permute::<0, 2, 3, 1>();
            /// let t: Tensor<(U5, Dyn)> = Tensor::<(Dyn, U5)>::zeros((Dyn(2), U5::new())).unwrap().permute::<1, 0>();
            /// # let _ = (nhwc, t);
            /// ```
            pub fn permute<$(const $p: usize),*>(&self) -> Tensor<$alias<($($d,)*), $($p),*>, E>
            where
                ($($d,)*): $rule<$($p),*>,
            {
                let shape = $output::<$($p),*>::permute_output(self.shape());
                let y = runtime(self.as_dyn().permute(&[$($p as isize),*]));
                Tensor::from_raw_unchecked(y, shape)
            }
        }
    };
}

typed_permute!(PermuteRule2, PermuteOutput2, Permute2Out; [A, B]; P0, P1);
typed_permute!(PermuteRule3, PermuteOutput3, Permute3Out; [A, B, C]; P0, P1, P2);
typed_permute!(PermuteRule4, PermuteOutput4, Permute4Out; [A, B, C, D]; P0, P1, P2, P3);
