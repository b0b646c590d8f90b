#!/usr/bin/env bash
# Runs the tests of the one `unsafe` block in Kiln (the gemm::gemm call in
# nncore/src/kernels/gemm.rs) under AddressSanitizer.
#
# Needs a nightly toolchain (`-Zsanitizer` is unstable); the library itself
# stays on stable. On x86_64 Linux no rust-src / build-std is needed. An
# explicit --target keeps proc macros (thiserror's) uninstrumented. Miri is
# not used: gemm dispatches to SIMD intrinsics that Miri does not support.
#
# Usage: scripts/asan.sh [test filter]   (default `kernels::`: the gemm tests
# and the conv kernels that call gemm with strided views)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${ASAN_TARGET:-x86_64-unknown-linux-gnu}"
export RUSTFLAGS="-Zsanitizer=address -Cdebug-assertions=on"
export RUSTDOCFLAGS="-Zsanitizer=address"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
# A separate target dir: instrumented artifacts must not mix with normal ones.
cargo +nightly test -p nncore --lib --target "$target" --target-dir target/asan \
    -- "${1:-kernels::}"
