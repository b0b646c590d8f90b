//! `set_num_threads` / `get_num_threads`: the count is what the kernels
//! use, and it can change after the first parallel op (its own process:
//! the setting is global).

use std::collections::BTreeSet;
use std::sync::Mutex;

use nncore::kernels::elementwise::activation::{UnaryKernel, unary_forward};
use nncore::{Element, get_num_threads, set_num_threads};

/// The identity, noting the name of each thread it runs on.
struct Spy(Mutex<BTreeSet<String>>);

impl UnaryKernel for Spy {
    fn f<E: Element>(&self, x: E) -> E {
        let name = std::thread::current().name().unwrap_or("?").to_owned();
        self.0.lock().unwrap().insert(name);
        x
    }
    fn df<E: Element>(&self, _x: E, _y: E) -> E {
        E::one()
    }
}

/// The threads a large elementwise kernel runs on.
fn threads_used() -> BTreeSet<String> {
    let spy = Spy(Mutex::new(BTreeSet::new()));
    let x = vec![1.0f32; 1 << 22];
    let mut y = vec![0.0f32; x.len()];
    unary_forward(&spy, &x, &mut y);
    assert_eq!(y, x);
    spy.0.into_inner().unwrap()
}

#[test]
fn set_num_threads_is_what_kernels_use_and_can_change() {
    // Before: rayon's global pool, never Kiln's.
    assert!(get_num_threads() >= 1);
    assert!(threads_used().iter().all(|n| !n.starts_with("kiln-")));

    set_num_threads(3).unwrap();
    assert_eq!(get_num_threads(), 3);
    assert_eq!(nncore::threads::install(rayon::current_num_threads), 3);
    let used = threads_used();
    assert!(!used.is_empty() && used.len() <= 3, "{used:?}");
    assert!(
        used.iter()
            .all(|n| ["kiln-0", "kiln-1", "kiln-2"].contains(&n.as_str())),
        "{used:?}"
    );

    // One thread: the kernel runs on the calling thread.
    set_num_threads(1).unwrap();
    assert_eq!(get_num_threads(), 1);
    let here = std::thread::current().name().unwrap_or("?").to_owned();
    assert_eq!(threads_used(), BTreeSet::from([here]));

    // And back up, after parallel ops ran.
    set_num_threads(2).unwrap();
    assert_eq!(get_num_threads(), 2);
    assert!(
        threads_used()
            .iter()
            .all(|n| ["kiln-0", "kiln-1"].contains(&n.as_str()))
    );

    let err = set_num_threads(0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "set_num_threads: invalid num_threads: must be at least 1, got 0"
    );
    assert_eq!(get_num_threads(), 2, "a refused count changes nothing");
}
