// A sequential with a declared input shape: its type, written with
// Sequential![input ...], and its compiler-computed summary.
use kiln::prelude::*;

type Net = Sequential![input (1, 28, 28); Flatten, Linear(784, 10)];

fn main() {
    let net: Net = sequential![input (1, 28, 28); Flatten, Linear(784, 10)];
    let summary = net.summary();
    assert_eq!(summary.rows[1].output, "[*, 10]");
    let x = Tensor::<(Dyn, U1, U28, U28)>::zeros((Dyn(2), U1::new(), U28::new(), U28::new())).unwrap();
    let y: Tensor<(Dyn, U10)> = net.forward(x);
    assert_eq!(y.dims().as_slice(), &[2, 10]);
    let default = Net::default();
    assert_eq!(default.summary().total_params(), 7850);
}
