//! Greedy CTC decoding: the most likely class at each time step, repeats
//! collapsed, blanks dropped ("11-1--77" reads "117").

/// Reads each sample of `log_probs` (`[T, N, C]`, row-major) as a class
/// sequence, with `blank` the blank class.
pub fn greedy(
    log_probs: &[f32],
    steps: usize,
    batch: usize,
    classes: usize,
    blank: usize,
) -> Vec<Vec<usize>> {
    assert_eq!(
        log_probs.len(),
        steps * batch * classes,
        "log_probs is not [T, N, C]"
    );
    (0..batch)
        .map(|n| {
            let best = (0..steps).map(|t| {
                let row = &log_probs[(t * batch + n) * classes..][..classes];
                // The first maximum, as torch.argmax.
                (0..classes).fold(0, |b, c| if row[c] > row[b] { c } else { b })
            });
            collapse(best, blank)
        })
        .collect()
}

/// Collapses repeats, then drops blanks.
pub fn collapse(path: impl IntoIterator<Item = usize>, blank: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut previous = None;
    for c in path {
        if previous != Some(c) && c != blank {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_merges_repeats_unless_a_blank_separates_them() {
        // "11-1--77" with blank 0 written as '-'.
        assert_eq!(collapse([1, 1, 0, 1, 0, 0, 7, 7], 0), [1, 1, 7]);
        assert_eq!(collapse([0, 0, 0], 0), Vec::<usize>::new());
        assert_eq!(collapse([3, 3, 3, 4], 0), [3, 4]);
        assert_eq!(collapse([3, 5, 3], 5), [3, 3]);
    }

    #[test]
    fn greedy_takes_the_argmax_per_step_and_sample() {
        // T = 3, N = 2, C = 3; sample 0 reads "1 1 2" -> [1, 2], sample 1
        // reads "2 0 2" -> [2, 2].
        let lp = [
            0.0, 1.0, 0.5, /**/ 0.0, 0.1, 0.9, // t = 0
            0.0, 0.7, 0.2, /**/ 0.8, 0.1, 0.2, // t = 1
            0.1, 0.2, 0.3, /**/ 0.0, 0.1, 0.2, // t = 2
        ];
        assert_eq!(greedy(&lp, 3, 2, 3, 0), vec![vec![1, 2], vec![2, 2]]);
    }
}
