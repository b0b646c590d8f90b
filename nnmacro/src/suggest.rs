//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance between `a` and `b`, ignoring ASCII case.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            row.push(substitute.min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}

/// The candidate closest to `word` within an edit distance of 2 (ignoring
/// case), if any; ties go to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("Linear", "Linear"), 0);
        assert_eq!(edit_distance("Relu", "ReLU"), 0);
        assert_eq!(edit_distance("Lineer", "Linear"), 1);
        assert_eq!(edit_distance("Lnear", "Linear"), 1);
        assert_eq!(edit_distance("Conv", "Conv2d"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_within_two() {
        let names = ["Linear", "Conv2d", "ReLU"];
        assert_eq!(closest("Lineer", names), Some("Linear"));
        assert_eq!(closest("relu", names), Some("ReLU"));
        assert_eq!(closest("Conv2D", names), Some("Conv2d"));
        assert_eq!(closest("MyBlock", names), None);
    }
}
