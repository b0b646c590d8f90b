//! The same seed gives bit-identical weights after training: on one thread
//! (the guarantee), and run to run on a fixed number of threads. See
//! docs/reliability.md for why, and for what changes with the thread count.

use kiln::data::MnistBatch;
use kiln::prelude::*;

type Mlp = kiln::Sequential![Linear(784, 256), ReLU, Linear(256, 10)];

type Labels = Tensor<(Dyn,), i64>;

fn batch_tensors((x, y): MnistBatch) -> (Tensor<(Dyn, U784)>, Labels) {
    (x.flatten::<1>(), y)
}

/// Seeds, builds the seed MLP, trains `steps` SGD steps (momentum, shuffled
/// batches) and returns every weight as its bit pattern.
fn train(seed: u64, steps: usize) -> Vec<Vec<u32>> {
    // The generator is global, like PyTorch's: tests running in parallel in
    // this process must not seed and draw in between each other.
    static GLOBAL_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = GLOBAL_RNG.lock().unwrap_or_else(|e| e.into_inner());
    manual_seed(seed);
    let model: Mlp = sequential![Linear(784, 256), ReLU, Linear(256, 10)];
    let data = Mnist::shipped_subset(Split::Train).unwrap();
    let loader = DataLoader::new(data, 64).unwrap().shuffle(true).seed(seed);
    let mut opt = SGD::new(
        model.parameters(),
        SgdOptions {
            lr: 0.05,
            momentum: 0.9,
            ..Default::default()
        },
    )
    .unwrap();
    let criterion = CrossEntropyLoss::new();
    for batch in loader.iter().take(steps) {
        let (x, y) = batch_tensors(batch);
        opt.zero_grad();
        let loss = criterion.forward(model.forward(x), y).unwrap();
        loss.backward().unwrap();
        opt.step().unwrap();
    }
    model
        .parameters()
        .iter()
        .map(|p| p.to_vec().iter().map(|x| x.to_bits()).collect())
        .collect()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn the_same_seed_gives_bit_identical_weights_on_one_thread() {
    let one = pool(1);
    let a = one.install(|| train(7, 4));
    let b = one.install(|| train(7, 4));
    assert!(a == b, "two one-thread runs with seed 7 differ");
    let c = one.install(|| train(8, 4));
    assert!(
        a != c,
        "another seed must give other weights (the test can fail)"
    );
}

#[test]
fn the_same_seed_gives_bit_identical_weights_run_to_run_on_three_threads() {
    let three = pool(3);
    let a = three.install(|| train(7, 3));
    let b = three.install(|| train(7, 3));
    assert!(a == b, "two three-thread runs with seed 7 differ");
}
