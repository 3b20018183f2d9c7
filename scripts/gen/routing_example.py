#!/usr/bin/env python3
"""Generates examples/routing/: a long matrix with per-call costs and query types, and the
choices of a simple router, for README's "What can a router buy?" section.

Six models priced like a public price list (dollars per million input/output tokens), four query
types; query q of type t has a difficulty d_q ~ N(0, 1) and model i answers it correctly with
probability logistic(skill[t, i] - d_q), skills fixed below. A call's cost is price_in x input
tokens + price_out x output tokens, tokens drawn per query (output scaled per model). The router
sends each query to the model with the best training-half accuracy on its type among models
cheaper than 3 dollars per million output tokens, and to "large" when its type is "reasoning"
— a plausible hand-written router, not an optimal one. numpy default_rng(7). Run from the
repository root:  python3 scripts/gen/routing_example.py
"""
import csv

import numpy as np

MODELS = ["tiny", "small", "coder", "medium", "large", "frontier"]
PRICE_IN = np.array([0.05, 0.15, 0.30, 0.50, 2.50, 10.0])  # dollars per million tokens
PRICE_OUT = np.array([0.20, 0.60, 1.20, 1.50, 10.0, 30.0])
VERBOSITY = np.array([0.8, 1.0, 1.1, 1.0, 1.3, 1.6])
TYPES = ["qa", "math", "code", "reasoning"]
SKILL = np.array([
    [0.6, 1.0, 0.8, 1.4, 2.0, 2.2],   # qa
    [-0.8, -0.2, 0.0, 0.6, 1.3, 1.8],  # math
    [-0.6, 0.0, 1.4, 0.5, 1.2, 1.6],  # code
    [-1.5, -1.0, -0.8, -0.4, 0.6, 1.2],  # reasoning
])


def main():
    rng = np.random.default_rng(7)
    n = 400
    types = rng.integers(0, len(TYPES), size=n)
    difficulty = rng.normal(size=n)
    tokens_in = rng.integers(80, 1200, size=n)
    tokens_out = rng.integers(40, 600, size=n)
    y = np.zeros((n, len(MODELS)), dtype=int)
    cost = np.zeros((n, len(MODELS)))
    for q in range(n):
        p = 1 / (1 + np.exp(-(SKILL[types[q]] - difficulty[q])))
        y[q] = rng.random(len(MODELS)) < p
        cost[q] = (PRICE_IN * tokens_in[q] + PRICE_OUT * tokens_out[q] * VERBOSITY) / 1e6
    with open("examples/routing/matrix.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "cost", "type"])
        for q in range(n):
            for i, name in enumerate(MODELS):
                w.writerow([f"q{q:03d}", name, y[q, i], f"{cost[q, i]:.8f}", TYPES[types[q]]])
    train = np.arange(n) % 2 == 0
    cheap = PRICE_OUT < 3
    with open("examples/routing/router.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model"])
        for q in range(n):
            t = types[q]
            if TYPES[t] == "reasoning":
                choice = MODELS.index("large")
            else:
                rows = train & (types == t)
                acc = np.where(cheap, y[rows].mean(axis=0), -1)
                choice = int(np.argmax(acc))
            w.writerow([f"q{q:03d}", MODELS[choice]])


if __name__ == "__main__":
    main()
