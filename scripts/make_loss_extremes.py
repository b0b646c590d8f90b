#!/usr/bin/env python3
"""Makes tests/data/loss_extremes.json, PyTorch's values for tests/loss_extremes_torch.rs.

    pip install torch
    python3 scripts/make_loss_extremes.py

Each case calls one `torch.nn.functional` loss in float64 at an extreme input
(logits of +-1e4, probabilities of exactly 0 and 1, log-probabilities of
-1e4 and -inf, zero vectors, zero and huge variances, huge differences) and
records the output and, after `output.sum().backward()`, the gradient of
every input marked `grad`. The Rust test makes the same call in Kiln and
requires the same numbers: the same non-finite values in the same places
(so no NaN where PyTorch has none) and finite values within 1e-12 relative.

Floats are written as strings ("0.9999999999999999", "inf", "-inf", "nan")
so the file is standard JSON and every value reads back bit for bit.
"""

import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "loss_extremes.json"
INF = math.inf


def enc(x):
    """A float as its shortest round-trip text (Rust's `str::parse::<f64>`
    reads it back exactly, which JSON number parsing need not)."""
    return repr(float(x))


def flat(t):
    return [enc(float(v)) for v in t.detach().reshape(-1).tolist()]


def call(loss, t, l, o):
    """The PyTorch call for `loss`; the Rust test mirrors it, option for option."""
    r = o.get("reduction", "mean")
    if loss == "nll_loss":
        return F.nll_loss(t["input"], l["target"], weight=t.get("weight"),
                          ignore_index=o.get("ignore_index", -100), reduction=r)
    if loss == "cross_entropy":
        target = l["target"] if "target" in l else t["target"]
        return F.cross_entropy(t["input"], target, weight=t.get("weight"),
                               ignore_index=o.get("ignore_index", -100), reduction=r,
                               label_smoothing=o.get("label_smoothing", 0.0))
    if loss in ("l1_loss", "mse_loss", "soft_margin_loss"):
        return getattr(F, loss)(t["input"], t["target"], reduction=r)
    if loss == "smooth_l1_loss":
        return F.smooth_l1_loss(t["input"], t["target"], reduction=r, beta=o["beta"])
    if loss == "huber_loss":
        return F.huber_loss(t["input"], t["target"], reduction=r, delta=o["delta"])
    if loss == "poisson_nll_loss":
        return F.poisson_nll_loss(t["input"], t["target"], log_input=o["log_input"],
                                  full=o["full"], eps=o.get("eps", 1e-8), reduction=r)
    if loss == "gaussian_nll_loss":
        return F.gaussian_nll_loss(t["input"], t["target"], t["var"], full=o["full"],
                                   eps=o.get("eps", 1e-6), reduction=r)
    if loss == "margin_ranking_loss":
        return F.margin_ranking_loss(t["input1"], t["input2"], t["target"],
                                     margin=o["margin"], reduction=r)
    if loss == "hinge_embedding_loss":
        return F.hinge_embedding_loss(t["input"], t["target"], margin=o["margin"], reduction=r)
    if loss == "cosine_embedding_loss":
        return F.cosine_embedding_loss(t["input1"], t["input2"], t["target"],
                                       margin=o["margin"], reduction=r)
    if loss == "triplet_margin_loss":
        return F.triplet_margin_loss(t["anchor"], t["positive"], t["negative"],
                                     margin=o["margin"], p=o["p"], eps=o.get("eps", 1e-6),
                                     swap=o["swap"], reduction=r)
    if loss == "multi_margin_loss":
        return F.multi_margin_loss(t["input"], l["target"], p=o["p"], margin=o["margin"],
                                   weight=t.get("weight"), reduction=r)
    if loss == "multilabel_margin_loss":
        return F.multilabel_margin_loss(t["input"], l["target"], reduction=r)
    if loss == "multilabel_soft_margin_loss":
        return F.multilabel_soft_margin_loss(t["input"], t["target"], weight=t.get("weight"),
                                             reduction=r)
    if loss == "kl_div":
        return F.kl_div(t["input"], t["target"], reduction=r, log_target=o["log_target"])
    if loss == "binary_cross_entropy":
        return F.binary_cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                                      reduction=r)
    if loss == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(t["input"], t["target"],
                                                  weight=t.get("weight"),
                                                  pos_weight=t.get("pos_weight"), reduction=r)
    if loss == "ctc_loss":
        # Through log_softmax of logits: PyTorch's ctc backward returns
        # exp(lp) - occupancy, the gradient with respect to the logits of a
        # log_softmax, not with respect to log_probs (Kiln returns the
        # latter); after log_softmax the two agree.
        return F.ctc_loss(F.log_softmax(t["logits"], dim=2), l["targets"], l["input_lengths"], l["target_lengths"],
                          blank=o.get("blank", 0), reduction=r,
                          zero_infinity=o.get("zero_infinity", False))
    raise ValueError(loss)


CASES = []


def run(loss, tensors, longs, grad, options, fn=call):
    """Calls `fn` on fresh leaves; returns (leaves, longs, output, grads)."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in grad)
         for k, v in tensors.items()}
    lt = {k: torch.tensor(v, dtype=torch.int64) for k, v in longs.items()}
    out = fn(loss, t, lt, options)
    out.sum().backward()
    grads = {k: flat(v.grad if v.grad is not None else torch.zeros_like(v))
             for k, v in t.items() if k in grad}
    return t, lt, out, grads


def case(name, loss, tensors, longs=None, grad=("input",), reference=None, why=None,
         **options):
    """`tensors`: name -> nested list (float64); `longs`: name -> nested list
    (int64); `grad`: the tensors whose gradient is recorded.

    `reference` (with `why`) is for the few inputs where the functional
    itself overflows to inf or NaN although the loss is finite: the expected
    numbers then come from `reference`, a mathematically equal PyTorch
    computation that does not overflow, and the functional's own output is
    kept beside them (`functional`) for the record."""
    longs = longs or {}
    t, lt, out, grads = run(loss, tensors, longs, grad, options)
    entry = {
        "name": name,
        "loss": loss,
        "tensors": {k: {"shape": list(v.shape), "data": flat(v), "grad": k in grad}
                    for k, v in t.items()},
        "longs": {k: {"shape": list(v.shape), "data": v.reshape(-1).tolist()}
                  for k, v in lt.items()},
        "options": options,
        "value": {"shape": list(out.shape), "data": flat(out)},
        "grads": grads,
    }
    if reference is not None:
        _, _, ref, ref_grads = run(loss, tensors, longs, grad, options, reference)
        entry["functional"] = {"value": entry["value"]["data"], "grads": grads, "why": why}
        entry["value"] = {"shape": list(ref.shape), "data": flat(ref)}
        entry["grads"] = ref_grads
    CASES.append(entry)


def reduce(x, r):
    return {"none": x, "mean": x.mean(), "sum": x.sum()}[r]


def soft_margin_by_softplus(loss, t, l, o):
    """log(1 + exp(-y x)) as softplus(-y x), which PyTorch computes without overflow."""
    return reduce(F.softplus(-t["target"] * t["input"]), o.get("reduction", "mean"))


def ctc_with_inf_as_minus_1e300(loss, t, l, o):
    """The same call with -inf logits replaced by -1e300: exp(-1e300) is 0 in
    f64, so the loss is the same, and the gradient is the limit."""
    x = t["logits"]
    return call(loss, {"logits": torch.where(torch.isinf(x), -1e300, x)}, l, o)


R3 = ("none", "mean", "sum")
BIG = [1e4, -1e4, 0.0, 1e4]

# nll_loss: log-probabilities of -1e4, 0 and -inf (PyTorch accepts -inf: the
# picked -inf gives an infinite loss, an unpicked one is ignored).
for r in R3:
    case(f"nll_loss log-probs -1e4/0 {r}", "nll_loss",
         {"input": [[-1e4, 0.0, -1e4], [0.0, -1e4, -1e4]]}, {"target": [0, 0]}, reduction=r)
    case(f"nll_loss log-prob -inf unpicked {r}", "nll_loss",
         {"input": [[-INF, 0.0], [0.0, -INF]]}, {"target": [1, 0]}, reduction=r)
    case(f"nll_loss log-prob -inf picked {r}", "nll_loss",
         {"input": [[-INF, 0.0], [0.0, -1e4]]}, {"target": [0, 1]}, reduction=r)
case("nll_loss weight and ignore_index at -1e4", "nll_loss",
     {"input": [[-1e4, 0.0, -1e4], [0.0, -1e4, -1e4], [-1e4, -1e4, 0.0]],
      "weight": [0.5, 2.0, 1e4]}, {"target": [1, 0, 2]}, ignore_index=0, reduction="mean")

# Regression losses at +-1e4, at huge differences (whose square overflows
# to inf in PyTorch too) and at tiny or zero beta.
REG_X = [1e4, -1e4, 1e4, 0.0, 1e160, -3.0]
REG_Y = [-1e4, 1e4, 1e4, 1e-300, -1e160, -3.0]
for r in R3:
    case(f"l1_loss +-1e4 and 1e160 {r}", "l1_loss",
         {"input": REG_X, "target": REG_Y}, grad=("input", "target"), reduction=r)
    case(f"mse_loss +-1e4 {r}", "mse_loss",
         {"input": REG_X[:4] + [-3.0], "target": REG_Y[:4] + [-3.0]},
         grad=("input", "target"), reduction=r)
case("mse_loss difference 2e160 overflows", "mse_loss",
     {"input": REG_X, "target": REG_Y}, grad=("input", "target"), reduction="sum")
for beta in (1.0, 1e-300, 0.0):
    for r in ("none", "mean"):
        case(f"smooth_l1_loss beta {beta} {r}", "smooth_l1_loss",
             {"input": REG_X + [1e-301], "target": REG_Y + [0.0]},
             grad=("input", "target"), beta=beta, reduction=r)
for delta in (1.0, 1e-300, 1e4):
    case(f"huber_loss delta {delta}", "huber_loss",
         {"input": REG_X + [1e-301], "target": REG_Y + [0.0]},
         grad=("input", "target"), delta=delta, reduction="none")

# poisson_nll_loss: log_input true at -1e4 and 700 (exp near the f64 edge),
# log_input false at a rate of 0, full with the Stirling term (targets 0, 1,
# 2 and 1e4).
PY = [0.0, 1.0, 2.0, 1e4]
for full in (False, True):
    for r in ("none", "sum"):
        case(f"poisson_nll_loss log_input full={full} {r}", "poisson_nll_loss",
             {"input": [-1e4, 700.0, 0.0, -1e4], "target": PY}, log_input=True,
             full=full, reduction=r)
        case(f"poisson_nll_loss rate 0 full={full} {r}", "poisson_nll_loss",
             {"input": [0.0, 0.0, 1e4, 1e-300], "target": PY}, log_input=False,
             full=full, reduction=r)

# gaussian_nll_loss: var of 0 (clamped to eps under no_grad, so its
# gradient is the one at eps), var below eps, huge var, huge difference.
for full in (False, True):
    case(f"gaussian_nll_loss var 0/eps/1e300 full={full}", "gaussian_nll_loss",
         {"input": [0.0, 1e4, 1.0, -1e4, 2.0],
          "target": [0.0, -1e4, 1.0, 1e4, 3.0],
          "var": [0.0, 1e-300, 1e-6, 1e300, 1e-7]},
         grad=("input", "target", "var"), full=full, reduction="none")
case("gaussian_nll_loss var 0 mean", "gaussian_nll_loss",
     {"input": [[1e4, 0.0], [0.0, 1.0]], "target": [[0.0, 0.0], [-1e4, 1.0]],
      "var": [[0.0], [1e300]]},
     grad=("input", "var"), full=False, reduction="mean")

# Margin losses at +-1e4.
for r in R3:
    case(f"margin_ranking_loss +-1e4 {r}", "margin_ranking_loss",
         {"input1": BIG, "input2": [-1e4, 1e4, 0.0, 1e4], "target": [1.0, 1.0, -1.0, -1.0]},
         grad=("input1", "input2"), margin=0.5, reduction=r)
    case(f"hinge_embedding_loss +-1e4 {r}", "hinge_embedding_loss",
         {"input": BIG + [-1e4], "target": [1.0, 1.0, -1.0, -1.0, -1.0]},
         margin=1.0, reduction=r)
    case(f"soft_margin_loss +-1e4 {r}", "soft_margin_loss",
         {"input": [[1e4, -1e4], [1e4, -1e4]], "target": [[1.0, 1.0], [-1.0, -1.0]]},
         reference=soft_margin_by_softplus,
         why="F.soft_margin_loss computes log1p(exp(-y x)), inf at y x = -1e4, NaN gradient",
         reduction=r)

# cosine_embedding_loss with zero vectors (PyTorch's eps keeps them finite)
# and +-1e4 components.
for margin in (0.0, 0.5):
    case(f"cosine_embedding_loss zero vectors margin {margin}", "cosine_embedding_loss",
         {"input1": [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1e4, -1e4, 0.0], [1e4, 1e4, 1e4],
                     [0.0, 0.0, 0.0]],
          "input2": [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-1e4, 1e4, 0.0], [1e4, 1e4, 1e4],
                     [1.0, 2.0, 3.0]],
          "target": [1.0, -1.0, 1.0, -1.0, 1.0]},
         grad=("input1", "input2"), margin=margin, reduction="none")

# triplet_margin_loss: anchor == positive (zero distance; eps keeps the
# norm's gradient finite), swap, p = 1 and 2, +-1e4.
for p in (1.0, 2.0):
    for swap in (False, True):
        case(f"triplet_margin_loss identical anchor/positive p={p} swap={swap}",
             "triplet_margin_loss",
             {"anchor": [[1.0, 2.0], [1e4, -1e4], [0.0, 0.0]],
              "positive": [[1.0, 2.0], [1e4, -1e4], [0.0, 0.0]],
              "negative": [[1.0, 2.5], [-1e4, 1e4], [0.0, 0.0]]},
             grad=("anchor", "positive", "negative"), margin=1.0, p=p, swap=swap,
             reduction="none")

# eps = 0: the anchor-positive distance is exactly 0 (the norm's kink;
# PyTorch's gradient there is 0), and with swap the two negative distances
# tie (PyTorch's min splits the gradient between them).
for p in (1.0, 2.0):
    for swap in (False, True):
        case(f"triplet_margin_loss zero distance eps=0 p={p} swap={swap}", "triplet_margin_loss",
             {"anchor": [[1.0, 2.0], [0.0, 0.0], [1e4, -1e4]],
              "positive": [[1.0, 2.0], [0.0, 0.0], [1e4, -1e4]],
              "negative": [[1.0, 2.5], [0.0, 0.0], [1e4, 1e4]]},
             grad=("anchor", "positive", "negative"), margin=1.0, p=p, eps=0.0, swap=swap,
             reduction="none")

# multi_margin_loss and multilabel_margin_loss at +-1e4.
for p in (1, 2):
    for weighted in (False, True):
        tensors = {"input": [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, 0.0]]}
        if weighted:
            tensors["weight"] = [0.5, 2.0, 1e-3]
        case(f"multi_margin_loss +-1e4 p={p} weight={weighted}", "multi_margin_loss",
             tensors, {"target": [1, 0, 2]}, p=p, margin=1.0, reduction="none")
for r in R3:
    case(f"multilabel_margin_loss +-1e4 {r}", "multilabel_margin_loss",
         {"input": [[1e4, -1e4, 0.0, 1e4], [-1e4, -1e4, 1e4, 0.0]]},
         {"target": [[1, 3, -1, 0], [2, -1, 0, 0]]}, reduction=r)

# multilabel_soft_margin_loss at +-1e4 with a weight.
for r in R3:
    case(f"multilabel_soft_margin_loss +-1e4 weight {r}", "multilabel_soft_margin_loss",
         {"input": [[1e4, -1e4, 1e4], [-1e4, 1e4, 0.0]], "target": [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]],
          "weight": [1.0, 2.0, 0.5]},
         reduction=r)

# kl_div: log_target false with zero targets (0 log 0 = 0), log_target true
# with log-targets of -1e4, inputs of -1e4 and -inf.
for r in ("none", "batchmean", "sum"):
    case(f"kl_div zero targets {r}", "kl_div",
         {"input": [[-1e4, 0.0, -1e4], [-1e4, -1.0, 0.0]], "target": [[0.0, 1.0, 0.0], [0.0, 0.5, 0.5]]},
         grad=("input",), log_target=False, reduction=r)
    case(f"kl_div log_target -1e4 {r}", "kl_div",
         {"input": [[-1e4, 0.0, -1e4], [-1e4, -1.0, 0.0]],
          "target": [[-1e4, 0.0, -1e4], [0.0, -1e4, -1e4]]},
         grad=("input", "target"), log_target=True, reduction=r)

# BCE at probabilities 0 and 1 with a weight; BCE with logits at +-1e4 with
# weight and pos_weight.
for r in R3:
    case(f"binary_cross_entropy 0 and 1 weight {r}", "binary_cross_entropy",
         {"input": [[0.0, 1.0], [0.0, 1.0], [1e-300, 1.0 - 1e-16]],
          "target": [[1.0, 0.0], [0.0, 1.0], [1.0, 0.5]], "weight": [[2.0, 0.5], [1.0, 1.0], [1.0, 1.0]]},
         reduction=r)
    case(f"binary_cross_entropy_with_logits pos_weight {r}", "binary_cross_entropy_with_logits",
         {"input": [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], "target": [[1.0, 1.0, 0.5], [0.0, 0.0, 0.25]],
          "weight": [[1.0, 2.0, 1.0], [0.5, 1.0, 1.0]], "pos_weight": [3.0, 0.5, 1e4]},
         reduction=r)

# cross_entropy with label smoothing at +-1e4, class and probability targets.
for ls in (0.1, 1.0):
    for r in R3:
        case(f"cross_entropy label_smoothing {ls} classes {r}", "cross_entropy",
             {"input": [[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], "weight": [1.0, 2.0, 0.5]},
             {"target": [1, 2]}, label_smoothing=ls, reduction=r)
    case(f"cross_entropy label_smoothing {ls} probabilities", "cross_entropy",
         {"input": [[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], "target": [[0.0, 1.0, 0.0], [0.25, 0.25, 0.5]]},
         label_smoothing=ls, reduction="mean")

# ctc_loss at logits of +-1e4 (log-probabilities of -2e4 and 0) and -inf
# (a class that never occurs), each with a possible alignment.
logits = [[[1e4, -1e4, 0.0]], [[-1e4, 1e4, 0.0]], [[1e4, -1e4, -1e4]], [[0.0, 0.0, 1e4]]]
logits_inf = [[[0.0, 0.0, -INF]], [[-INF, 0.0, -INF]], [[0.0, -INF, 0.0]]]
for r in ("none", "mean", "sum"):
    case(f"ctc_loss logits +-1e4 {r}", "ctc_loss", {"logits": logits},
         {"targets": [[1, 2]], "input_lengths": [4], "target_lengths": [2]},
         grad=("logits",), reduction=r)
    case(f"ctc_loss -inf logits {r}", "ctc_loss", {"logits": logits_inf},
         {"targets": [[1, 2]], "input_lengths": [3], "target_lengths": [2]},
         grad=("logits",), reference=ctc_with_inf_as_minus_1e300,
         why="F.ctc_loss's gradient is exp(lp) - exp(log_alpha_beta - nll - lp), "
             "-inf - -inf = NaN at a -inf log-probability; the limit is 0",
         reduction=r)

OUT.write_text(json.dumps({"torch": torch.__version__, "cases": CASES}, indent=1) + "\n")
print(f"{len(CASES)} cases -> {OUT}")
