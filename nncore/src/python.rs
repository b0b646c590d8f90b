//! How Python prints a float: the one formatter behind every message and
//! `repr` of Kiln that mirrors PyTorch's (`Invalid learning rate: nan`,
//! `Dropout(p=0.5, inplace=False)`, `1e-05`), so the two read the same.

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed
/// notation for exponents -4..16 (`0.001`, `2.0`) and scientific outside
/// (`1e-05`, `1e+16`); `nan`, `inf` and `-inf` as Python spells them.
///
/// ```
/// use nncore::py_float;
/// assert_eq!(py_float(1e-5), "1e-05");
/// assert_eq!(py_float(f64::NAN), "nan");
/// assert_eq!(py_float(-0.0), "-0.0");
/// ```
pub fn py_float(x: f64) -> String {
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
    use super::py_float;

    /// Python 3.11's `repr()` of each value.
    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e-4, "0.0001"),
            (0.0001234, "0.0001234"),
            (1e15, "1000000000000000.0"),
            (123456789012345.6, "123456789012345.6"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1e-7, "-1e-07"),
            (2.5e16, "2.5e+16"),
            (f64::MAX, "1.7976931348623157e+308"),
            (9999999999999998.0, "9999999999999998.0"),
            (100.0, "100.0"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (0.001, "0.001"),
            (123456.75, "123456.75"),
            (1.5e-7, "1.5e-07"),
        ];
        for (x, want) in cases {
            assert_eq!(py_float(x), want, "{x:?}");
        }
    }
}
