#!/usr/bin/env python3
"""Learned routers at the scale of METHODS §16.6 (10⁴ queries × 50 models × 5 folds, text features,
every learner), side by side with scikit-learn doing the same fits in one run: per fold, hashed
unigram+bigram tf-idf (HashingVectorizer(ngram_range=(1, 2), n_features=2**18, alternate_sign=False,
norm=None) + TfidfTransformer(sublinear_tf=True), fitted on the training folds), one
LogisticRegression(C=1) per model (newton-cg, tol 1e-8) and a brute-force cosine kNN (k = 10).
The data: scripts/gen/text_routing_example.py's topics with 50 models (each an expert on one of
ten topics or a generalist). Usage, from the repository root after `swift build -c release`:
    python3 Benchmarks/learned_routers.py [N] [M]
"""
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def data(n, m, seed=3):
    rng = np.random.default_rng(seed)
    topics = [["w%d_%d" % (t, j) for j in range(30)] for t in range(10)]
    common = "the a of what which is how why explain find given show that in for".split()
    topic = rng.integers(0, 10, n)
    texts = []
    for q in range(n):
        k = rng.integers(8, 30)
        bag = [topics[topic[q]][j] for j in rng.integers(0, 30, k)] + [common[j] for j in rng.integers(0, 15, k)]
        texts.append(" ".join(bag))
    expert = rng.integers(0, 11, m)
    acc = np.where(expert[None, :] == topic[:, None], 0.85, 0.5)
    return texts, rng.random((n, m)) < acc


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    texts, y = data(n, m)
    tmp = tempfile.mkdtemp()
    mx, tx = os.path.join(tmp, "m.csv"), os.path.join(tmp, "t.csv")
    with open(mx, "w") as f:
        f.write("query," + ",".join("model%02d" % i for i in range(m)) + "\n")
        for q in range(n):
            f.write("q%05d," % q + ",".join("1" if v else "0" for v in y[q]) + "\n")
    with open(tx, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["query", "text"])
        for q in range(n):
            w.writerow(["q%05d" % q, texts[q]])
    t0 = time.time()
    subprocess.run([".build/release/cofail", "route", mx, "--texts", tx, "--threads", "2"], check=True,
                   stdout=subprocess.DEVNULL)
    ours = time.time() - t0

    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import NearestNeighbors
    t0 = time.time()
    hv = HashingVectorizer(ngram_range=(1, 2), n_features=2 ** 18, alternate_sign=False, norm=None)
    counts = hv.transform(texts)
    fold = np.arange(n) % 5
    for f in range(5):
        tr, te = fold != f, fold == f
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts[tr])
        xtr, xte = tfidf.transform(counts[tr]), tfidf.transform(counts[te])
        for i in range(m):
            LogisticRegression(C=1.0, solver="newton-cg", tol=1e-8, max_iter=1000).fit(xtr, y[tr, i])
        NearestNeighbors(n_neighbors=10, metric="cosine", algorithm="brute").fit(xtr).kneighbors(xte)
    theirs = time.time() - t0
    print("learned routers, %d queries x %d models x 5 folds: cofail %.2f s (whole process), "
          "scikit-learn %.2f s (fits only), ratio %.1fx" % (n, m, ours, theirs, theirs / ours))


if __name__ == "__main__":
    main()
