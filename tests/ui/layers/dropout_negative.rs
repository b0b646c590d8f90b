// A negative dropout probability in sequential!: PyTorch's words.
use kiln::sequential;

fn main() {
    let _net = sequential![Linear(4, 4), Dropout(-0.5)];
}
