//! Command-line counts that must be at least 1 (`--batch-size`, the
//! number of strips): 0 is refused when the command line is parsed, with
//! clap's usage error (exit code 2), before any data is loaded.

/// Parses a count of at least 1, for `#[arg(value_parser = at_least_one)]`.
///
/// ```text
/// $ mnist_mlp --batch-size 0
/// error: invalid value '0' for '--batch-size <BATCH_SIZE>': must be at least 1
/// ```
pub fn at_least_one(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|e: std::num::ParseIntError| e.to_string())?;
    if n == 0 {
        return Err("must be at least 1".into());
    }
    Ok(n)
}
