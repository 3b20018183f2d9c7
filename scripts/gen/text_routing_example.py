#!/usr/bin/env python3
"""Synthetic routing data with prompt texts (METHODS §16), numpy-seeded: queries on four topics,
each prompt a bag of topic words and common words, and five models with constant prices.
  topical: each model is an expert on one topic (right with probability 0.9 there, 0.45 elsewhere;
           the fifth is a generalist at 0.62), so the prompt predicts who is right;
  blind:   the same accuracies drawn per query independently of the topic, so it does not.
Writes <out>/<case>/matrix.csv (long: query,model,correct,cost,type = the topic), texts.csv (query,text) and
features.csv (query, the topic one-hot plus two noise columns). Run from the repository root:
    python3 scripts/gen/text_routing_example.py [OUT] [N] [SEED]   (default examples/routing_text 2000 7)
"""
import csv
import os
import sys

import numpy as np

TOPICS = {
    "algebra": "equation solve variable polynomial root factor quadratic coefficient",
    "biology": "cell protein enzyme gene membrane organism tissue species",
    "history": "empire treaty dynasty revolution century war king parliament",
    "code": "function array loop pointer compile string recursion variable",
}
COMMON = "the a of what which is how why explain find given show that in for".split()
MODELS = [("algebra-expert", 0.004), ("biology-expert", 0.002), ("history-expert", 0.001), ("code-expert", 0.003),
          ("generalist", 0.01)]


def make(n, seed, topical):
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    topic = rng.integers(0, len(names), n)
    texts = []
    for q in range(n):
        words = TOPICS[names[topic[q]]].split()
        k = rng.integers(4, 12)
        bag = [words[j] for j in rng.integers(0, len(words), k)] + [COMMON[j] for j in rng.integers(0, len(COMMON), k)]
        rng.shuffle(bag)
        if q % 17 == 0:
            bag.append("Ünïcödé 東京 🙂")
        texts.append(" ".join(bag).capitalize() + "?")
    acc = np.full((n, len(MODELS)), 0.45)
    for q in range(n):
        t = topic[q] if topical else rng.integers(0, len(names))
        acc[q, t] = 0.9
        acc[q, 4] = 0.62
    correct = rng.random(acc.shape) < acc
    features = np.column_stack([np.eye(len(names))[topic], rng.normal(size=(n, 2))])
    if not topical:
        features[:, :4] = np.eye(len(names))[rng.integers(0, len(names), n)]
    return texts, correct, features, [names[t] for t in topic]


def write(out, n, seed):
    for case, topical in (("topical", True), ("blind", False)):
        d = os.path.join(out, case)
        os.makedirs(d, exist_ok=True)
        texts, correct, features, types = make(n, seed, topical)
        with open(os.path.join(d, "matrix.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["query", "model", "correct", "cost", "type"])
            for q in range(n):
                for i, (name, price) in enumerate(MODELS):
                    w.writerow(["q%05d" % q, name, int(correct[q, i]), price, types[q]])
        with open(os.path.join(d, "texts.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["query", "text"])
            for q in range(n):
                w.writerow(["q%05d" % q, texts[q]])
        with open(os.path.join(d, "features.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["query"] + ["f%d" % j for j in range(features.shape[1])])
            for q in range(n):
                w.writerow(["q%05d" % q] + [repr(float(v)) for v in features[q]])


if __name__ == "__main__":
    args = sys.argv[1:]
    write(args[0] if args else "examples/routing_text", int(args[1]) if len(args) > 1 else 2000,
          int(args[2]) if len(args) > 2 else 7)
