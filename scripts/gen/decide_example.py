#!/usr/bin/env python3
"""A synthetic deployment log for `cofail decide` (METHODS §17), numpy-seeded: queries of five task
types, each prompt a bag of topic and common words; models answer through one latent difficulty per
query (so errors co-fail and some queries defeat every model), with per-topic skills, per-query costs
(a price per model times the prompt's length) and, for the cheap models, a confidence that tracks
their own chance of being right.

The default pool is eight named models, from a cheap small model to an expensive reasoner, with a
coder and a clinician that are strong on their own topic. With M > 8 the pool is M generated models
(prices log-uniform over $0.0001–$0.03, skills drawn per topic; the cheaper half carry confidences),
the scale of the speed target (67 models × 10^4 queries).

Writes <out>/matrix.csv (long: query,model,correct,cost,type,confidence; confidence empty for models
without one) and <out>/prompts.csv (query,text). Run from the repository root:
    python3 scripts/gen/decide_example.py [OUT] [N] [SEED] [M]   (default examples/decide 3000 11 8)
"""
import csv
import os
import sys

import numpy as np

TOPICS = {
    "math": "equation solve integral prove polynomial root probability derivative matrix",
    "code": "function array loop pointer compile string recursion bug python",
    "law": "contract statute court liability tenant clause plaintiff appeal",
    "medicine": "symptom dose diagnosis patient therapy fever chronic trial",
    "general": "capital river author year country famous invented largest",
}
COMMON = "the a of what which is how why explain find given show that in for".split()
# name, $ per 1k prompt words, skill per topic (math, code, law, medicine, general), has confidence
NAMED = [
    ("tiny-1b", 0.0008, (-0.9, -0.8, -0.7, -0.9, -0.2), True),
    ("small-8b", 0.002, (-0.4, -0.3, -0.2, -0.3, 0.3), True),
    ("coder-22b", 0.005, (0.1, 1.3, -0.5, -0.6, 0.0), True),
    ("clinic-30b", 0.006, (-0.3, -0.4, 0.0, 1.2, 0.2), False),
    ("mid-70b", 0.009, (0.2, 0.3, 0.4, 0.3, 0.8), True),
    ("large-400b", 0.03, (0.7, 0.8, 0.9, 0.7, 1.2), False),
    ("frontier", 0.08, (1.1, 1.1, 1.2, 1.0, 1.4), False),
    ("reasoner", 0.15, (2.0, 1.3, 0.9, 0.8, 1.0), False),
]


def pool(m, rng):
    if m <= len(NAMED):
        return NAMED[:m]
    prices = np.exp(rng.uniform(np.log(0.0004), np.log(0.15), m))
    out = []
    for i in range(m):
        base = 0.55 * np.log(prices[i] / 0.004)
        skills = tuple(float(base + rng.normal(0, 0.5)) for _ in TOPICS)
        out.append(("model-%02d" % i, float(prices[i]), skills, prices[i] < np.median(prices)))
    return out


def make(n, seed, m):
    rng = np.random.default_rng(seed)
    models = pool(m, rng)
    names = list(TOPICS)
    topic = rng.integers(0, len(names), n)
    difficulty = rng.normal(0, 1.1, n)
    texts = []
    length = np.zeros(n)
    for q in range(n):
        words = TOPICS[names[topic[q]]].split()
        k = rng.integers(4, 14)
        bag = [words[j] for j in rng.integers(0, len(words), k)] + [COMMON[j] for j in rng.integers(0, len(COMMON), k)]
        rng.shuffle(bag)
        texts.append(" ".join(bag).capitalize() + "?")
        length[q] = 2 * k
    rows = []
    for q in range(n):
        for name, price, skill, has_conf in models:
            margin = skill[topic[q]] - difficulty[q] + rng.normal(0, 0.8)
            correct = int(margin > 0)
            cost = price * (40 + 10 * length[q]) / 1000
            conf = ""
            if has_conf:
                # the model's own estimate of its chance: the margin seen through noise
                conf = "%.4f" % (1 / (1 + np.exp(-(margin + rng.normal(0, 0.7)))))
            rows.append(("q%05d" % q, name, correct, "%.6g" % cost, names[topic[q]], conf))
    return rows, texts


def write(out, n, seed, m):
    os.makedirs(out, exist_ok=True)
    rows, texts = make(n, seed, m)
    with open(os.path.join(out, "matrix.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "model", "correct", "cost", "type", "confidence"])
        w.writerows(rows)
    with open(os.path.join(out, "prompts.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "text"])
        for q, t in enumerate(texts):
            w.writerow(["q%05d" % q, t])


if __name__ == "__main__":
    args = sys.argv[1:]
    write(args[0] if args else "examples/decide", int(args[1]) if len(args) > 1 else 3000,
          int(args[2]) if len(args) > 2 else 11, int(args[3]) if len(args) > 3 else 8)
