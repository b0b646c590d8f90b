//! Tests of the shape layer: output types (type equality), runtime values,
//! `from_dims`/`dims`, and the decimal rendering helpers.

use super::arith::{DimProd, Window, window_len};
use super::digits::{_0, _2, _5, _8, DigitsOf};
use super::lift::{LIFT_LIMIT, Lit, LitOf};
use super::typenum::{Prod, Sum};
use super::*;

/// Compiles only if `A` and `B` are the same type.
trait Is<T> {}
impl<T> Is<T> for T {}
fn same_type<A: Is<B>, B>() {}
/// Compiles only if both values have the same type; also checks equality
/// of the runtime dims.
fn same<T: Shape>(a: T, b: T) {
    assert_eq!(a.dims(), b.dims());
}

type Mnist = (Dyn, U1, U28, U28);
fn mnist(batch: usize) -> Mnist {
    (Dyn(batch), U1::new(), U28::new(), U28::new())
}

#[test]
fn dims_display_and_access() {
    let d = mnist(64).dims();
    assert_eq!(d.to_string(), "[64, 1, 28, 28]");
    assert_eq!(format!("{d:?}"), "[64, 1, 28, 28]");
    assert_eq!(d.as_slice(), &[64, 1, 28, 28]);
    assert_eq!(d.len(), 4);
    assert_eq!(d.numel(), 64 * 28 * 28);
    assert_eq!(().dims().to_string(), "[]");
    assert!(().dims().is_empty());
    assert_eq!(().dims().numel(), 1);
    assert_eq!(
        Dims::from_slice(&[2, 3]).unwrap(),
        (U2::new(), U3::new()).dims()
    );
    assert!(Dims::from_slice(&[1, 2, 3, 4, 5]).is_none());
}

#[test]
fn rank_constants() {
    assert_eq!(<() as Shape>::RANK, 0);
    assert_eq!(<(Dyn,) as Shape>::RANK, 1);
    assert_eq!(<(U2, Dyn) as Shape>::RANK, 2);
    assert_eq!(<(U2, Dyn, U3) as Shape>::RANK, 3);
    assert_eq!(<Mnist as Shape>::RANK, 4);
    same_type::<RankOf<Mnist>, U4>();
}

#[test]
fn from_dims_fills_dyn_and_checks_static() {
    let s = Mnist::from_dims(&[32, 1, 28, 28]).unwrap();
    assert_eq!(s.0, Dyn(32));
    assert_eq!(s.dims().as_slice(), &[32, 1, 28, 28]);
    assert!(
        Mnist::from_dims(&[32, 3, 28, 28]).is_none(),
        "static dim differs"
    );
    assert!(Mnist::from_dims(&[32, 1, 28]).is_none(), "rank differs");
    assert!(<()>::from_dims(&[]).is_some());
    assert!(<(U0,)>::from_dims(&[0]).is_some());
    assert!(<(Invalid,)>::from_dims(&[0]).is_none());
}

#[test]
fn dim_sizes() {
    assert_eq!(U0::new().size(), 0);
    assert_eq!(U784::new().size(), 784);
    assert_eq!(Dyn(7).size(), 7);
    assert_eq!(U3::from_size(3), Some(U3::new()));
    assert_eq!(U3::from_size(4), None);
    assert_eq!(Dyn::from_size(4), Some(Dyn(4)));
}

#[test]
fn linear_output() {
    same_type::<LinearOut<(Dyn, U400), U400, U120>, (Dyn, U120)>();
    same_type::<LinearOut<(U400,), U400, U120>, (U120,)>();
    same_type::<LinearOut<(Dyn, U7, U400), U400, U120>, (Dyn, U7, U120)>();
    same_type::<LinearOut<(Dyn, U2, U7, U400), U400, U120>, (Dyn, U2, U7, U120)>();
    same(
        LinearOutput::<U400, U120>::linear_output((Dyn(5), U400::new())),
        (Dyn(5), U120::new()),
    );
    // A runtime feature size passes at compile time.
    same(
        LinearOutput::<U400, U120>::linear_output((Dyn(5), Dyn(400))),
        (Dyn(5), U120::new()),
    );
    fn rule<S: LinearRule<U400, U120>>() {}
    rule::<(Dyn, Dyn)>();
    rule::<(Dyn, U400)>();
}

#[test]
fn conv2d_output() {
    // LeNet's first conv: 5x5, padding 2 keeps 28x28.
    type C1 = Conv2dOut<Mnist, U1, U6, U5, U1, U2, U1>;
    same_type::<C1, (Dyn, U6, U28, U28)>();
    // stride 2, dilation 2: (28 + 2 - 2*(3-1) - 1)/2 + 1 = 13
    same_type::<Conv2dOut<Mnist, U1, U8, U3, U2, U1, U2>, (Dyn, U8, U13, U13)>();
    // kernel equal to the input: 1x1
    same_type::<Conv2dOut<(U2, U3, U5, U7), U3, U4, U5, U1, U1, U1>, (U2, U4, U3, U5)>();
    let y: C1 = Conv2dOutput::<U1, U6, U5, U1, U2, U1>::conv2d_output(mnist(64));
    assert_eq!(y.dims().as_slice(), &[64, 6, 28, 28]);
    // Runtime spatial sizes are computed at run time.
    let y: (Dyn, U16, Dyn, U16) = Conv2dOutput::<U3, U16, U3, U2, U1, U1>::conv2d_output((
        Dyn(2),
        U3::new(),
        Dyn(32),
        U32::new(),
    ));
    let _ = y;
    fn rule<S: Conv2dRule<U3, U16, U3, U2, U1, U1>>(x: S) -> Conv2dOut<S, U3, U16, U3, U2, U1, U1> {
        x.conv2d_output()
    }
    let y = rule((Dyn(2), U3::new(), Dyn(32), U32::new()));
    assert_eq!(y.dims().as_slice(), &[2, 16, 16, 16]);
    let _ = y;
}

#[test]
fn max_pool2d_output() {
    same_type::<MaxPool2dOut<(Dyn, U6, U28, U28), U2, U2, U0, U1>, (Dyn, U6, U14, U14)>();
    // floor mode: (5 - 2)/2 + 1 = 2
    same_type::<MaxPool2dOut<(Dyn, U16, U5, U5), U2, U2, U0, U1>, (Dyn, U16, U2, U2)>();
    // 3x3 window, stride 2, padding 1 (ResNet stem): (112 + 2 - 3)/2 + 1 = 56
    same_type::<MaxPool2dOut<(Dyn, U64, U112, U112), U3, U2, U1, U1>, (Dyn, U64, U56, U56)>();
    fn rule<S: MaxPool2dRule<U2, U2, U0, U1>>(x: S) -> MaxPool2dOut<S, U2, U2, U0, U1> {
        x.pool2d_output()
    }
    let y = rule((Dyn(4), U6::new(), U28::new(), Dyn(9)));
    same_type_of(&y, &(Dyn(4), U6::new(), U14::new(), Dyn(4)));
    assert_eq!(y.dims().as_slice(), &[4, 6, 14, 4]);
}

fn same_type_of<T>(_: &T, _: &T) {}

#[test]
fn flatten_output() {
    same_type::<FlattenOut<(Dyn, U16, U5, U5)>, (Dyn, U400)>();
    same_type::<FlattenOut<(Dyn, U7, U9)>, (Dyn, U63)>();
    same_type::<FlattenOut<(Dyn, U10)>, (Dyn, U10)>();
    same_type::<FlattenOut<(Dyn, U64, Dyn, U4)>, (Dyn, Dyn)>();
    same_type::<FlattenOut<(Dyn, U64, Invalid, Invalid)>, (Dyn, Invalid)>();
    same_type::<FlattenOut<(Dyn, U512, U7, U7)>, (Dyn, Prod<U512, U49>)>();
    let y = (Dyn(3), U64::new(), Dyn(5), U4::new()).flatten_output();
    assert_eq!(y, (Dyn(3), Dyn(64 * 5 * 4)));
    same(
        (Dyn(3), U16::new(), U5::new(), U5::new()).flatten_output(),
        (Dyn(3), U400::new()),
    );
    same_type::<DimProd<Dyn, Dyn>, Dyn>();
    same_type::<DimProd<Invalid, Dyn>, Invalid>();
    same_type::<DimProd<Dyn, Invalid>, Invalid>();
}

#[test]
fn lenet_chain_through_aliases() {
    type C1 = Conv2dOut<Mnist, U1, U6, U5, U1, U2, U1>;
    type P1 = MaxPool2dOut<C1, U2, U2, U0, U1>;
    type C2 = Conv2dOut<P1, U6, U16, U5, U1, U0, U1>;
    type P2 = MaxPool2dOut<C2, U2, U2, U0, U1>;
    type F = FlattenOut<P2>;
    type L = LinearOut<LinearOut<LinearOut<F, U400, U120>, U120, U84>, U84, U10>;
    same_type::<F, (Dyn, U400)>();
    same_type::<L, (Dyn, U10)>();
}

#[test]
fn same_shape_and_cross_entropy_accept() {
    fn add<A: SameShape<B>, B: Shape>() {}
    add::<(Dyn, U10), (Dyn, U10)>();
    add::<(Dyn, U10), (U8, U10)>();
    add::<(U8, Dyn), (U8, U10)>();
    add::<(), ()>();
    add::<(U1, U2, U3, U4), (U1, U2, U3, U4)>();
    fn ce<I: CrossEntropyRule<T>, T: Shape>() {}
    ce::<(Dyn, U10), (Dyn,)>();
    ce::<(U64, U10), (U64,)>();
    ce::<(U64, U10), (Dyn,)>();
}

#[test]
fn window_runtime_formula() {
    assert_eq!(window_len(28, 5, 1, 2, 1), 28);
    assert_eq!(window_len(28, 3, 2, 1, 2), 13);
    assert_eq!(window_len(5, 2, 2, 0, 1), 2);
    assert_eq!(window_len(5, 7, 1, 0, 1), 0);
    assert_eq!(window_len(5, 2, 0, 0, 1), 0);
    // A window that does not fit gives the poison size.
    same_type::<<U5 as Window<U7, U1, U0, U1>>::Output, Invalid>();
    same_type::<<U5 as Window<U7, U1, U0, U1>>::Fits, super::typenum::B0>();
}

#[test]
fn lift_table_and_digits() {
    assert_eq!(
        LIFT_LIMIT, 4160,
        "update the digit-fallback note in gate.rs"
    );
    same_type::<LitOf<U0>, Lit<0>>();
    same_type::<LitOf<U63>, Lit<63>>();
    same_type::<LitOf<U64>, Lit<64>>();
    same_type::<LitOf<U400>, Lit<400>>();
    same_type::<LitOf<Prod<U64, U49>>, Lit<3136>>();
    same_type::<LitOf<U4096>, Lit<4096>>();
    same_type::<LitOf<Sum<U4096, U63>>, Lit<4159>>();
    same_type::<DigitsOf<Prod<U512, U49>>, (_2, _5, _0, _8, _8)>();
    same_type::<DigitsOf<U0>, (_0,)>();
}

#[test]
fn pieces_print_every_size_below_the_piece_limit() {
    use super::lift::{PIECE_LIMIT, PieceOf, Split};
    assert_eq!(
        PIECE_LIMIT, 4_160_000,
        "update the digit-fallback note in nnmacro/src/gate.rs"
    );
    same_type::<PieceOf<U400>, Lit<400>>();
    same_type::<PieceOf<Sum<U4096, U63>>, Lit<4159>>();
    // 4160 = 4 thousands, then 1, 6, 0.
    same_type::<PieceOf<Sum<U4096, U64>>, Split<Lit<4>, Lit<1>, Lit<6>, Lit<0>>>();
    same_type::<PieceOf<Prod<U512, U49>>, Split<Lit<25>, Lit<0>, Lit<8>, Lit<8>>>();
    // 131072 = 2^17; 100352 = 2048 * 49 (ResNet-50 without its pool).
    same_type::<PieceOf<U131072>, Split<Lit<131>, Lit<0>, Lit<7>, Lit<2>>>();
    same_type::<PieceOf<Prod<U2048, U49>>, Split<Lit<100>, Lit<3>, Lit<5>, Lit<2>>>();
    // 2^20 and the last size with pieces, 4159999.
    same_type::<PieceOf<U1048576>, Split<Lit<1048>, Lit<5>, Lit<7>, Lit<6>>>();
    type Last = Sum<Prod<Sum<U4096, U63>, U1000>, Prod<U999, U1>>;
    same_type::<PieceOf<Last>, Split<Lit<4159>, Lit<9>, Lit<9>, Lit<9>>>();
}
