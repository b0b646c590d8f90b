//! The typed functional API, `torch.nn.functional`'s layer ops: `matmul`,
//! `bmm`, `conv2d` with given weights, `max_pool2d`, `avg_pool2d`,
//! `dropout` and `gelu`. Each is bounded by the same rule as its layer (or
//! its own, for the products), so a functional forward is checked as a
//! forward made of layers is.
//!
//! Window sizes are `const` arguments, as in `F.max_pool2d(x, 2)` =
//! `x.max_pool2d::<2>()`; literals up to 1024 (typenum's `U<N>`).

use super::Tensor;
use super::fn_shape::runtime;
use crate::Element;
use crate::ops::{
    AvgPool2dOptions, Conv2dOptions, GeluApproximate, MaxPool2dOptions, avg_pool2d, bmm, conv2d,
    dropout, matmul, max_pool2d,
};
use crate::shape::{
    AvgPool2dOut, AvgPool2dRule, BmmOut, BmmRule, Conv2dOut, Conv2dRule, MatmulOut, MatmulRule,
    MaxPool2dOut, MaxPool2dRule, Shape, StaticDim,
};
use typenum::{Const, ToUInt, U};

/// `conv2d_with`'s stride, padding and dilation, as `const` arguments:
/// `ConvArgs::<2, 1, 1>` is `stride=2, padding=1, dilation=1`.
///
/// ```
/// use nncore::ConvArgs;
/// let _strided: ConvArgs<2, 1, 1> = ConvArgs;
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ConvArgs<const STRIDE: usize, const PADDING: usize, const DILATION: usize>;

impl<S: Shape, E: Element> Tensor<S, E> {
    /// The matrix product with `rhs`, like `torch.mm`: `(M, K) x (K, N)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let a = Tensor::<(Dyn, U3)>::zeros((Dyn(2), U3::new())).unwrap();
    /// let b = Tensor::<(U3, U4)>::zeros((U3::new(), U4::new())).unwrap();
    /// let y: Tensor<(Dyn, U4)> = a.matmul(&b);
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When the inner sizes are runtime (`Dyn`) sizes that differ.
    pub fn matmul<S2: Shape>(&self, rhs: &Tensor<S2, E>) -> Tensor<MatmulOut<S, S2>, E>
    where
        S: MatmulRule<S2>,
    {
        let shape = self.shape().matmul_output(rhs.shape());
        Tensor::from_raw_unchecked(runtime(matmul(self.as_dyn(), rhs.as_dyn())), shape)
    }

    /// The batched matrix product with `rhs`, like `torch.bmm`:
    /// `(B, M, K) x (B, K, N)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let q = Tensor::<(Dyn, U5, U8)>::zeros((Dyn(2), U5::new(), U8::new())).unwrap();
    /// let k = Tensor::<(Dyn, U8, U5)>::zeros((Dyn(2), U8::new(), U5::new())).unwrap();
    /// let scores: Tensor<(Dyn, U5, U5)> = q.bmm(&k);
    /// # let _ = scores;
    /// ```
    ///
    /// # Panics
    /// When the batch or inner sizes are runtime (`Dyn`) sizes that differ.
    pub fn bmm<S2: Shape>(&self, rhs: &Tensor<S2, E>) -> Tensor<BmmOut<S, S2>, E>
    where
        S: BmmRule<S2>,
    {
        let shape = self.shape().bmm_output(rhs.shape());
        Tensor::from_raw_unchecked(runtime(bmm(self.as_dyn(), rhs.as_dyn())), shape)
    }

    /// A 2-D convolution with the given `weight` `(Cout, Cin, K, K)` and
    /// optional `bias` `(Cout,)`, stride 1, no padding, like
    /// `F.conv2d(x, weight, bias)`. The input's channels must be `Cin`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::new(), U28::new(), U28::new())).unwrap();
    /// let w = Tensor::<(U32, U1, U3, U3)>::zeros((U32::new(), U1::new(), U3::new(), U3::new())).unwrap();
    /// let y: Tensor<(Dyn, U32, U26, U26)> = x.conv2d(&w, None);
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) channel or spatial size does not fit.
    // The output type spells the stride, padding and dilation; an alias would hide them.
    #[allow(clippy::type_complexity)]
    pub fn conv2d<Cout, Cin, K>(
        &self,
        weight: &Tensor<(Cout, Cin, K, K), E>,
        bias: Option<&Tensor<(Cout,), E>>,
    ) -> Tensor<Conv2dOut<S, Cin, Cout, K, typenum::U1, typenum::U0, typenum::U1>, E>
    where
        Cout: StaticDim,
        Cin: StaticDim,
        K: StaticDim,
        S: Conv2dRule<Cin, Cout, K, typenum::U1, typenum::U0, typenum::U1>,
    {
        self.conv2d_with(weight, bias, ConvArgs::<1, 0, 1>)
    }

    /// [`conv2d`](Self::conv2d) with a stride, padding and dilation, like
    /// `F.conv2d(x, weight, bias, stride, padding, dilation)`.
    ///
    /// ```
    /// use nncore::{ConvArgs, Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U3, U32, U32)>::zeros((Dyn(1), U3::new(), U32::new(), U32::new())).unwrap();
    /// let w = Tensor::<(U8, U3, U3, U3)>::zeros((U8::new(), U3::new(), U3::new(), U3::new())).unwrap();
    /// let y: Tensor<(Dyn, U8, U16, U16)> = x.conv2d_with(&w, None, ConvArgs::<2, 1, 1>);
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// As [`conv2d`](Self::conv2d).
    #[allow(clippy::type_complexity)]
    pub fn conv2d_with<
        Cout,
        Cin,
        K,
        const STRIDE: usize,
        const PADDING: usize,
        const DILATION: usize,
    >(
        &self,
        weight: &Tensor<(Cout, Cin, K, K), E>,
        bias: Option<&Tensor<(Cout,), E>>,
        _args: ConvArgs<STRIDE, PADDING, DILATION>,
    ) -> Tensor<Conv2dOut<S, Cin, Cout, K, U<STRIDE>, U<PADDING>, U<DILATION>>, E>
    where
        Cout: StaticDim,
        Cin: StaticDim,
        K: StaticDim,
        Const<STRIDE>: ToUInt,
        Const<PADDING>: ToUInt,
        Const<DILATION>: ToUInt,
        S: Conv2dRule<Cin, Cout, K, U<STRIDE>, U<PADDING>, U<DILATION>>,
    {
        let shape = self.shape().conv2d_output();
        let options = Conv2dOptions::default()
            .stride(STRIDE)
            .padding(PADDING)
            .dilation(DILATION);
        let y = conv2d(
            self.as_dyn(),
            weight.as_dyn(),
            bias.map(Tensor::as_dyn),
            options,
        );
        Tensor::from_raw_unchecked(runtime(y), shape)
    }

    /// Max pooling over `K`×`K` windows with stride `K`, like
    /// `F.max_pool2d(x, K)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U64, U24, U24)>::zeros((Dyn(2), U64::new(), U24::new(), U24::new())).unwrap();
    /// let y: Tensor<(Dyn, U64, U12, U12)> = x.max_pool2d::<2>();
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) spatial size is smaller than the window.
    pub fn max_pool2d<const K: usize>(
        &self,
    ) -> Tensor<MaxPool2dOut<S, U<K>, U<K>, typenum::U0, typenum::U1>, E>
    where
        Const<K>: ToUInt,
        S: MaxPool2dRule<U<K>, U<K>, typenum::U0, typenum::U1>,
    {
        let shape = self.shape().pool2d_output();
        let y = max_pool2d(self.as_dyn(), MaxPool2dOptions::new(K));
        Tensor::from_raw_unchecked(runtime(y), shape)
    }

    /// Max pooling with a window `K`, stride `STRIDE`, padding `PADDING`
    /// and dilation `DILATION`, like
    /// `F.max_pool2d(x, K, STRIDE, PADDING, DILATION)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U8, U9, U9)>::zeros((Dyn(2), U8::new(), U9::new(), U9::new())).unwrap();
    /// let y: Tensor<(Dyn, U8, U5, U5)> = x.max_pool2d_with::<3, 2, 1, 1>();
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// As [`max_pool2d`](Self::max_pool2d).
    pub fn max_pool2d_with<
        const K: usize,
        const STRIDE: usize,
        const PADDING: usize,
        const DILATION: usize,
    >(
        &self,
    ) -> Tensor<MaxPool2dOut<S, U<K>, U<STRIDE>, U<PADDING>, U<DILATION>>, E>
    where
        Const<K>: ToUInt,
        Const<STRIDE>: ToUInt,
        Const<PADDING>: ToUInt,
        Const<DILATION>: ToUInt,
        S: MaxPool2dRule<U<K>, U<STRIDE>, U<PADDING>, U<DILATION>>,
    {
        let shape = self.shape().pool2d_output();
        let options = MaxPool2dOptions::new(K)
            .stride(STRIDE)
            .padding(PADDING)
            .dilation(DILATION);
        Tensor::from_raw_unchecked(runtime(max_pool2d(self.as_dyn(), options)), shape)
    }

    /// Average pooling over `K`×`K` windows with stride `K`, like
    /// `F.avg_pool2d(x, K)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U3, U8, U8)>::zeros((Dyn(2), U3::new(), U8::new(), U8::new())).unwrap();
    /// let y: Tensor<(Dyn, U3, U4, U4)> = x.avg_pool2d::<2>();
    /// # let _ = y;
    /// ```
    ///
    /// # Panics
    /// When a runtime (`Dyn`) spatial size is smaller than the window.
    pub fn avg_pool2d<const K: usize>(&self) -> Tensor<AvgPool2dOut<S, U<K>, U<K>, typenum::U0>, E>
    where
        Const<K>: ToUInt,
        S: AvgPool2dRule<U<K>, U<K>, typenum::U0>,
    {
        let shape = self.shape().pool2d_output();
        let y = avg_pool2d(self.as_dyn(), AvgPool2dOptions::new(K));
        Tensor::from_raw_unchecked(runtime(y), shape)
    }

    /// Average pooling with a window `K`, stride `STRIDE` and padding
    /// `PADDING` (padding zeros counted, as PyTorch's default), like
    /// `F.avg_pool2d(x, K, STRIDE, PADDING)`.
    ///
    /// # Panics
    /// As [`avg_pool2d`](Self::avg_pool2d).
    pub fn avg_pool2d_with<const K: usize, const STRIDE: usize, const PADDING: usize>(
        &self,
    ) -> Tensor<AvgPool2dOut<S, U<K>, U<STRIDE>, U<PADDING>>, E>
    where
        Const<K>: ToUInt,
        Const<STRIDE>: ToUInt,
        Const<PADDING>: ToUInt,
        S: AvgPool2dRule<U<K>, U<STRIDE>, U<PADDING>>,
    {
        let shape = self.shape().pool2d_output();
        let options = AvgPool2dOptions::new(K).stride(STRIDE).padding(PADDING);
        Tensor::from_raw_unchecked(runtime(avg_pool2d(self.as_dyn(), options)), shape)
    }

    /// Each element zeroed with probability `p` in training mode and the
    /// rest scaled by `1 / (1 - p)`; the input itself otherwise, like
    /// `F.dropout(x, p, training)`. In a `#[derive(Module)]` struct's
    /// forward, pass `self.is_training()`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(Dyn, U4)>::zeros((Dyn(2), U4::new())).unwrap();
    /// assert_eq!(x.dropout(0.5, false).to_vec(), x.to_vec());
    /// ```
    ///
    /// # Panics
    /// When `p` is outside [0, 1] (a contract violation, like PyTorch's
    /// `ValueError`; the `Dropout` layer checks `p` when it is built).
    pub fn dropout(&self, p: f64, training: bool) -> Self {
        Tensor::from_raw_unchecked(runtime(dropout(self.as_dyn(), p, training)), self.shape())
    }

    /// `x Φ(x)` with the exact normal CDF, like `F.gelu(x)`.
    ///
    /// ```
    /// use nncore::{Tensor, shape::*};
    /// let x = Tensor::<(U2,)>::from_vec(vec![0.0, 10.0], (U2::new(),)).unwrap();
    /// assert_eq!(x.gelu().to_vec(), vec![0.0, 10.0]);
    /// ```
    pub fn gelu(&self) -> Self {
        Tensor::from_raw_unchecked(self.as_dyn().gelu(GeluApproximate::None), self.shape())
    }

    /// GELU with the tanh approximation, like `F.gelu(x, approximate='tanh')`.
    pub fn gelu_tanh(&self) -> Self {
        Tensor::from_raw_unchecked(self.as_dyn().gelu(GeluApproximate::Tanh), self.shape())
    }
}
