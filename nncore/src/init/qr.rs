//! A small Householder QR decomposition in f64, for `orthogonal_`.

/// The thin QR decomposition of the row-major `m × n` matrix `a`
/// (`m >= n`): returns `q` (`m × n`, row-major, orthonormal columns) and
/// the diagonal of `r` (`n` values), so that `a = q · r` with `r` upper
/// triangular. Householder reflections, as LAPACK's `geqrf` + `orgqr`
/// (the signs of `r`'s diagonal may differ from LAPACK's; callers that
/// need a unique `q` multiply its columns by the signs of that diagonal).
///
/// # Panics
/// If `m < n` or `a.len() != m * n` (callers transpose wide matrices).
pub(crate) fn householder_qr(a: &[f64], m: usize, n: usize) -> (Vec<f64>, Vec<f64>) {
    assert!(
        m >= n && a.len() == m * n,
        "householder_qr: needs m >= n and m*n values"
    );
    let mut r = a.to_vec();
    // The Householder vectors, one per column, each of length m.
    let mut vs: Vec<Vec<f64>> = Vec::with_capacity(n);
    for k in 0..n {
        let norm = (k..m).map(|i| r[i * n + k].powi(2)).sum::<f64>().sqrt();
        let mut v = vec![0.0; m];
        if norm > 0.0 {
            let alpha = if r[k * n + k] > 0.0 { -norm } else { norm };
            for i in k..m {
                v[i] = r[i * n + k];
            }
            v[k] -= alpha;
            let vnorm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            if vnorm > 0.0 {
                v.iter_mut().for_each(|x| *x /= vnorm);
                // r = (I - 2 v vᵀ) r
                for j in k..n {
                    let dot: f64 = (k..m).map(|i| v[i] * r[i * n + j]).sum();
                    for i in k..m {
                        r[i * n + j] -= 2.0 * v[i] * dot;
                    }
                }
            }
        }
        vs.push(v);
    }
    // q = H_0 H_1 ... H_{n-1} applied to the first n columns of I.
    let mut q = vec![0.0; m * n];
    for j in 0..n {
        q[j * n + j] = 1.0;
    }
    for v in vs.iter().rev() {
        for j in 0..n {
            let dot: f64 = (0..m).map(|i| v[i] * q[i * n + j]).sum();
            for i in 0..m {
                q[i * n + j] -= 2.0 * v[i] * dot;
            }
        }
    }
    let diag = (0..n).map(|k| r[k * n + k]).collect();
    (q, diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_is_orthonormal_and_reproduces_a() {
        let (m, n) = (5, 3);
        let a: Vec<f64> = (0..m * n)
            .map(|i| ((i * 7 + 3) % 11) as f64 - 5.0)
            .collect();
        let (q, d) = householder_qr(&a, m, n);
        // Qᵀ Q = I
        for i in 0..n {
            for j in 0..n {
                let dot: f64 = (0..m).map(|k| q[k * n + i] * q[k * n + j]).sum();
                assert!(
                    (dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12,
                    "{i},{j}: {dot}"
                );
            }
        }
        // R = Qᵀ A is upper triangular with the returned diagonal, and Q R = A.
        let mut r = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                r[i * n + j] = (0..m).map(|k| q[k * n + i] * a[k * n + j]).sum();
                if i > j {
                    assert!(r[i * n + j].abs() < 1e-12);
                }
            }
            assert!((r[i * n + i] - d[i]).abs() < 1e-12);
        }
        for i in 0..m {
            for j in 0..n {
                let v: f64 = (0..n).map(|k| q[i * n + k] * r[k * n + j]).sum();
                assert!((v - a[i * n + j]).abs() < 1e-10);
            }
        }
    }

    #[test]
    fn a_zero_column_keeps_q_orthonormal() {
        let a = vec![1.0, 0.0, 2.0, 0.0, 3.0, 0.0];
        let (q, d) = householder_qr(&a, 3, 2);
        assert_eq!(d[1], 0.0);
        let dot: f64 = (0..3).map(|k| q[k * 2] * q[k * 2 + 1]).sum();
        assert!(dot.abs() < 1e-12);
    }
}
