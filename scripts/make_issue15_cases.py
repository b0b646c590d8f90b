#!/usr/bin/env python3
"""Conformance cases around three disagreements with PyTorch (issue 15):
`pairwise_distance` over p (1, 2, 3, 0.5, inf, 0, and the negative p
PyTorch accepts) with gradients, LBFGS over objectives and options (with
and without strong_wolfe), and `calculate_gain` with parameters PyTorch
refuses (bool, string, list) or ignores.

Writes tests/data/conformance/{pairwise_distance_p,lbfgs_options,calculate_gain_params}.json
in the format of shared/conformance/FORMAT.md. Run from the repository root:

    python3 scripts/make_issue15_cases.py
"""
import json
import math
import os

import torch

torch.manual_seed(15)
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "conformance")
GENERATOR = f"torch {torch.__version__}"


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def tensor(t):
    t = t.detach()
    dtype = {torch.float64: "float64", torch.float32: "float32", torch.int64: "int64"}[t.dtype]
    data = t.reshape(-1).tolist()
    if dtype.startswith("float"):
        data = [num(v) for v in data]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def write(name, family, cases):
    for i, c in enumerate(cases, 1):
        c["name"] = f"{c['name']}/{i}"
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"format": 1, "generator": GENERATOR, "family": family, "cases": cases}, f)
        f.write("\n")
    print(f"{path}: {len(cases)} cases")


def error_text(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


# ---------------------------------------------------------------- pairwise_distance
def pairwise_cases():
    cases = []
    ps = [1.0, 2.0, 3.0, 0.5, float("inf"), 0.0, 1.5, -1.0, float("-inf")]
    shapes = [((3, 4), (3, 4)), ((2, 5), (1, 5)), ((4,), (4,))]
    for p in ps:
        for keepdim in (False, True):
            for s1, s2 in shapes:
                x1 = torch.randn(*s1, dtype=torch.float64, requires_grad=True)
                x2 = torch.randn(*s2, dtype=torch.float64, requires_grad=True)
                case = {
                    "name": f"pairwise_distance/p={p},keepdim={keepdim},shapes={list(s1)}x{list(s2)}",
                    "op": "pairwise_distance",
                    "options": {"p": num(p), "eps": 1e-6, "keepdim": keepdim},
                    "inputs": {"x1": tensor(x1), "x2": tensor(x2)},
                    "requires_grad": ["x1", "x2"],
                }
                try:
                    out = torch.nn.functional.pairwise_distance(x1, x2, p=p, eps=1e-6, keepdim=keepdim)
                except Exception as e:  # noqa: BLE001
                    case["expected"] = {"error": error_text(e)}
                    del case["requires_grad"]
                    cases.append(case)
                    continue
                go = torch.randn(out.shape, dtype=torch.float64)
                # p = 0 counts non-zeros: no input takes part in the graph.
                g1, g2 = torch.autograd.grad(out, (x1, x2), go, allow_unused=True)
                g1 = torch.zeros_like(x1) if g1 is None else g1
                g2 = torch.zeros_like(x2) if g2 is None else g2
                case["grad_output"] = tensor(go)
                case["expected"] = {"output": tensor(out), "grad": {"x1": tensor(g1), "x2": tensor(g2)}}
                case["tolerance"] = {"rtol": 1e-6, "atol": 1e-9}
                cases.append(case)
    # p = inf with a tie for the largest difference: the gradient is shared.
    x1 = torch.tensor([[1.0, -3.0, 3.0, 0.5]], dtype=torch.float64, requires_grad=True)
    x2 = torch.zeros(1, 4, dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.pairwise_distance(x1, x2, p=float("inf"), eps=0.0)
    g1, g2 = torch.autograd.grad(out, (x1, x2), torch.ones_like(out))
    cases.append({
        "name": "pairwise_distance/p=inf,tie",
        "op": "pairwise_distance",
        "options": {"p": "inf", "eps": 0.0, "keepdim": False},
        "inputs": {"x1": tensor(x1), "x2": tensor(x2)},
        "requires_grad": ["x1", "x2"],
        "grad_output": tensor(torch.ones_like(out)),
        "expected": {"output": tensor(out), "grad": {"x1": tensor(g1), "x2": tensor(g2)}},
        "tolerance": {"rtol": 1e-12, "atol": 1e-12},
    })
    return cases


# ---------------------------------------------------------------- LBFGS
def rosenbrock(x):
    return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2).sum()


def lbfgs_case(name, objective, x0_parts, options, steps):
    case = lbfgs_run(name, objective, x0_parts, options, steps)
    if "params" in case["expected"]:
        # Fixed steps on Rosenbrock amplify rounding: the tolerance is ten
        # times what moving the start by one ulp changes in PyTorch itself.
        nudged = [torch.nextafter(p, torch.zeros_like(p)) for p in x0_parts]
        other = lbfgs_run(name, objective, nudged, options, steps)["expected"]["params"]
        spread = max(
            abs(a - b)
            for sa, sb in zip(case["expected"]["params"], other)
            for ta, tb in zip(sa, sb)
            for a, b in zip(ta["data"], tb["data"])
        )
        case["tolerance"] = {"rtol": 1e-7, "atol": max(1e-9, 10 * spread)}
    return case


def lbfgs_run(name, objective, x0_parts, options, steps):
    params = [p.clone().requires_grad_(True) for p in x0_parts]
    case = {
        "name": name,
        "op": "lbfgs",
        "options": options,
        "params": [tensor(p) for p in params],
        "steps": steps,
    }
    if objective[0] == "rosenbrock":
        case["objective"] = {"kind": "rosenbrock"}
        f = rosenbrock
    else:
        a, b = objective[1], objective[2]
        case["objective"] = {"kind": "quadratic", "a": tensor(a), "b": tensor(b)}
        f = lambda x: 0.5 * x @ a @ x - b @ x  # noqa: E731
    opt = torch.optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = f(torch.cat([p.reshape(-1) for p in params]))
        loss.backward()
        return loss

    after = []
    try:
        for _ in range(steps):
            opt.step(closure)
            after.append([tensor(p) for p in params])
    except Exception as e:  # noqa: BLE001
        case["expected"] = {"error": error_text(e)}
        return case
    case["expected"] = {"params": after}
    case["tolerance"] = {"rtol": 1e-7, "atol": 1e-9}
    return case


def lbfgs_cases():
    cases = []
    start = [torch.tensor([-1.2, 1.0], dtype=torch.float64)]
    far = [torch.tensor([-1.5, 2.0, 0.5], dtype=torch.float64), torch.tensor([1.3], dtype=torch.float64)]
    m = torch.randn(4, 4, dtype=torch.float64)
    a = m @ m.T + 0.5 * torch.eye(4, dtype=torch.float64)
    b = torch.randn(4, dtype=torch.float64)
    quad = ("quadratic", a, b)
    q0 = [torch.randn(2, dtype=torch.float64), torch.randn(2, dtype=torch.float64)]
    settings = [
        {"lr": 0.5, "max_iter": 4, "line_search_fn": "strong_wolfe"},
        {"lr": 0.5, "max_iter": 4},
        {"lr": 1, "max_iter": 4, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 1, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 2, "line_search_fn": "strong_wolfe"},
        {"lr": 0.1, "max_iter": 10, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 8, "max_eval": 6, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 20, "history_size": 2, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 20, "history_size": 2},
        {"lr": 0.8, "max_iter": 6, "tolerance_change": 1e-3, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 20, "tolerance_grad": 1e-2, "line_search_fn": "strong_wolfe"},
        {"lr": 0.2, "max_iter": 5, "tolerance_grad": 1e-3},
        {"lr": 2, "max_iter": 3, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 3, "max_eval": 0, "line_search_fn": "strong_wolfe"},
        {"lr": 1, "max_iter": 3, "max_eval": 0},
        {"lr": 1, "max_iter": 5, "history_size": 0, "line_search_fn": "strong_wolfe"},
        {"lr": 0.1, "max_iter": 5, "history_size": 0},
    ]
    for options in settings:
        label = ",".join(f"{k}={v}" for k, v in options.items())
        cases.append(lbfgs_case(f"lbfgs/rosenbrock,{label}", ("rosenbrock",), start, options, 4))
        cases.append(lbfgs_case(f"lbfgs/rosenbrock3+1,{label}", ("rosenbrock",), far, options, 3))
        cases.append(lbfgs_case(f"lbfgs/quadratic,{label}", quad, q0, options, 3))
    return cases


# ---------------------------------------------------------------- calculate_gain
NONLINEARITIES = [
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu",
]


def gain_cases():
    cases = []
    params = [None, True, False, "0.2", "abc", [0.1], 0.2, 3, -1, 0]
    for nl in NONLINEARITIES + ["softmax", "Leaky_ReLU"]:
        for param in params:
            options = {"nonlinearity": nl}
            if param is not None:
                options["param"] = param
            case = {"name": f"calculate_gain/{nl},param={param!r}", "op": "calculate_gain", "options": options}
            try:
                gain = torch.nn.init.calculate_gain(nl, param)
                case["expected"] = {"gain": float(gain)}
                case["tolerance"] = {"rtol": 1e-12, "atol": 1e-12}
            except Exception as e:  # noqa: BLE001
                case["expected"] = {"error": error_text(e)}
            cases.append(case)
    return cases


if __name__ == "__main__":
    write("pairwise_distance_p.json", "function", pairwise_cases())
    write("lbfgs_options.json", "optimizer", lbfgs_cases())
    write("calculate_gain_params.json", "init", gain_cases())
