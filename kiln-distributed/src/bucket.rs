//! Which gradients travel together: DistributedDataParallel's buckets.

/// Groups tensors of `sizes` elements (f32, in the model's parameter
/// order) into buckets of at most `cap_bytes` each, filled from the last
/// parameter backwards, the order in which backward produces gradients
/// and in which PyTorch's DDP launches its buckets. A tensor larger than
/// the cap gets a bucket of its own. Returns the tensors' indices per
/// bucket, in launch order; the plan depends only on the sizes, so every
/// rank computes the same one.
///
/// ```
/// use kiln_distributed::bucket_plan;
/// // 4 bytes per element: a 40-byte cap holds 10 elements.
/// assert_eq!(bucket_plan(&[6, 3, 4, 20], 40), [vec![3], vec![2, 1], vec![0]]);
/// ```
pub fn bucket_plan(sizes: &[usize], cap_bytes: usize) -> Vec<Vec<usize>> {
    let mut buckets: Vec<Vec<usize>> = Vec::new();
    let mut filled = 0usize;
    for (index, &size) in sizes.iter().enumerate().rev() {
        let bytes = size * std::mem::size_of::<f32>();
        match buckets.last_mut() {
            Some(bucket) if filled + bytes <= cap_bytes => {
                bucket.push(index);
                filled += bytes;
            }
            _ => {
                buckets.push(vec![index]);
                filled = bytes;
            }
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tensor_lands_in_exactly_one_bucket() {
        let sizes = [150, 6, 2400, 16, 48000, 120, 10080, 84, 840, 10];
        let plan = bucket_plan(&sizes, 4 * 1024);
        let mut seen: Vec<usize> = plan.concat();
        seen.sort_unstable();
        assert_eq!(seen, (0..sizes.len()).collect::<Vec<_>>());
        assert_eq!(plan[0], [9, 8, 7]);
        assert!(plan.iter().any(|b| b == &[4]));
    }

    #[test]
    fn a_large_cap_gives_one_bucket() {
        assert_eq!(bucket_plan(&[1, 2, 3], 25 << 20), [vec![2, 1, 0]]);
        assert_eq!(bucket_plan(&[], 100), Vec::<Vec<usize>>::new());
    }
}
