#!/usr/bin/env python3
"""Generates examples/cascade/matrix.csv for README's "Does a cascade pay?" section.

Three models (small, medium, large) answer 1,000 queries. Query q has a difficulty d_q ~ N(0, 1);
model i is right with probability logistic(skill_i - d_q) (skills 0.2, 0.9, 2.0), so the strong
model is weaker exactly where the cheap one is (the adverse tail of Cor. 1). small and medium
report a confidence: a noisy reading of their own correctness, s = 1.1*Y - 0.6*d + N(0, 1),
rounded to 2 decimals (ties, as real verbalised confidences have). Costs are dollars per call:
price per million tokens x tokens, tokens drawn per query. numpy default_rng(2026).
Run from the repository root:  python3 scripts/gen/cascade_example.py
"""
import csv

import numpy as np

MODELS = ["small", "medium", "large"]
SKILL = np.array([0.2, 0.9, 2.0])
PRICE = np.array([0.3, 1.5, 12.0])  # dollars per million tokens
CONFIDENT = {"small", "medium"}


def main():
    rng = np.random.default_rng(2026)
    n = 1000
    d = rng.normal(size=n)
    tokens = rng.integers(200, 1500, size=n)
    with open("examples/cascade/matrix.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "cost", "confidence"])
        for q in range(n):
            for i, name in enumerate(MODELS):
                y = int(rng.random() < 1 / (1 + np.exp(-(SKILL[i] - d[q]))))
                cost = PRICE[i] * tokens[q] / 1e6
                conf = f"{1.1 * y - 0.6 * d[q] + rng.normal():.2f}" if name in CONFIDENT else ""
                w.writerow([f"q{q:04d}", name, y, f"{cost:.8f}", conf])


if __name__ == "__main__":
    main()
