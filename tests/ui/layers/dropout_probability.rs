// A dropout probability outside [0, 1] in sequential!.
use kiln::sequential;

fn main() {
    let _net = sequential![Linear(4, 4), Dropout(1.5)];
}
