//! A constructor argument that PyTorch prints as the user gave it: an int
//! (`beta=2`) or a float (`beta=2.0`). `nn.Softplus(beta=2)` prints
//! `Softplus(beta=2, threshold=20.0)`, so the layer must remember which.

/// A Python number: an `int` or a `float`, built from a Rust integer or
/// float literal, printed as Python's `repr` prints it.
///
/// ```
/// use nncore::nn::PyNumber;
/// assert_eq!(PyNumber::from(2).to_string(), "2");
/// assert_eq!(PyNumber::from(2.0).to_string(), "2.0");
/// assert_eq!(PyNumber::from(2.5).value(), 2.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PyNumber {
    /// A Python `int`.
    Int(i64),
    /// A Python `float`.
    Float(f64),
}

impl PyNumber {
    /// The value as an `f64`, what the computation uses.
    pub fn value(self) -> f64 {
        match self {
            PyNumber::Int(i) => i as f64,
            PyNumber::Float(x) => x,
        }
    }
}

impl From<i32> for PyNumber {
    fn from(v: i32) -> Self {
        PyNumber::Int(v.into())
    }
}

impl From<i64> for PyNumber {
    fn from(v: i64) -> Self {
        PyNumber::Int(v)
    }
}

impl From<f64> for PyNumber {
    fn from(v: f64) -> Self {
        PyNumber::Float(v)
    }
}

impl std::fmt::Display for PyNumber {
    /// Python's `repr`: `2`, `2.0`, `1e-05`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyNumber::Int(i) => write!(f, "{i}"),
            PyNumber::Float(x) => f.write_str(&py_float(*x)),
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed
/// notation for exponents -4..16 (`0.001`, `2.0`) and scientific outside
/// (`1e-05`, `1e+16`).
pub(crate) fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let body = if (-4..16).contains(&exp) {
        if exp >= 0 {
            let e = exp as usize;
            let int_len = e + 1;
            let padded = format!("{digits:0<int_len$}");
            let (int_part, frac) = padded.split_at(int_len);
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{int_part}.{frac}")
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}e{esign}{:02}", exp.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            (1e-5, "1e-05"),
            (0.001, "0.001"),
            (0.1, "0.1"),
            (2.0, "2.0"),
            (-1.0, "-1.0"),
            (20.0, "20.0"),
            (0.01, "0.01"),
            (-2.0, "-2.0"),
            (0.0001, "0.0001"),
            (1e-6, "1e-06"),
            (1e16, "1e+16"),
            (123456.75, "123456.75"),
            (1.5e-7, "1.5e-07"),
            (0.0, "0.0"),
        ];
        for (x, want) in cases {
            assert_eq!(py_float(x), want, "{x}");
        }
    }
}
