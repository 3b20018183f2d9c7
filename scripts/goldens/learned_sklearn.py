#!/usr/bin/env python3
"""Goldens for the learned routers (METHODS §16), independently of the engine:
  * text features by hand in Python: NFC by unicodedata.normalize, per-code-point lowercase
    (str.lower of one character, its first code point where that gives several), tokens = runs of
    characters whose unicodedata.category starts with L or N, unigrams and bigrams, FNV-1a-32 of the
    UTF-8 bytes mod D, tf = 1 + ln(count), idf = ln((1 + N)/(1 + df)) + 1 on the training texts,
    rows L2-normalised — on hand texts with accents, İ and Σ, CJK, emoji, an empty text and repeated
    bigrams (text_features.json);
  * the routers end to end on small synthetic topic data (scripts/gen/text_routing_example.py, 300
    queries; a topical case, a blind case, text and numeric features, with and without a budget):
    kNN by brute force with numpy (cosine similarities as dot products of unit rows, the k largest
    by similarity then input order), the logistic router by scikit-learn
    LogisticRegression(C = 1/λ, solver="newton-cg", tol=1e-12), the constant router, the §16.5 rule
    with λ_c found by scanning every pairwise breakpoint, the baseline (single best; with a budget
    the §12 none-frontier mixture from the training hull), the type router without a budget (each
    training type's most accurate model), accuracy, cost, captured share, the paired
    comparison (scipy.stats.norm.ppf, scipy.stats.binom.cdf for McNemar), AUC by
    sklearn.metrics.roc_auc_score and the Brier score (learned.json).
Needs numpy, scipy and scikit-learn. Run from the repository root:
    python3 scripts/goldens/learned_sklearn.py
"""
import json
import math
import os
import sys
import unicodedata

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from golden_common import seeded_order

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "gen"))
import text_routing_example  # noqa: E402

OUT = "Tests/CoFailTests/Goldens/"
FIX = "Tests/CoFailTests/Fixtures/learned/"
HAND = ["Hello, World! hello world", "İstanbul ΟΔΟΣ Straße", "café CAFÉ cafe\u0301", "東京 タワー 2024年",
        "emoji 🙂 test🙂test", "", "   ,,, !!! ", "a b a b a b", "x_y z-w 3.14 Ⅻ ½"]


def tokens(text):
    out, cur = [], []
    for ch in unicodedata.normalize("NFC", text):
        low = ch.lower()
        low = low[0] if low else ch
        if unicodedata.category(low)[0] in "LN":
            cur.append(low)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def fnv1a32(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def tf(text, d):
    t = tokens(text)
    counts = {}
    terms = t + [t[k - 1] + " " + t[k] for k in range(1, len(t))]
    for term in terms:
        b = fnv1a32(term.encode()) % d
        counts[b] = counts.get(b, 0) + 1
    return {b: 1 + math.log(c) for b, c in sorted(counts.items())}


def tfidf(tfs, train, rows):
    df = {}
    for q in train:
        for b in tfs[q]:
            df[b] = df.get(b, 0) + 1
    n = len(train)
    out = []
    for q in rows:
        v = {b: x * (math.log((1 + n) / (1 + df.get(b, 0))) + 1) for b, x in tfs[q].items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        out.append({b: x / norm for b, x in v.items()} if norm > 0 else {})
    return out, df


def hand():
    cases = []
    for text in HAND:
        cases.append({"text": text, "tokens": tokens(text),
                      "tf_262144": [[b, x] for b, x in tf(text, 1 << 18).items()],
                      "tf_16": [[b, x] for b, x in tf(text, 16).items()]})
    tfs = [tf(t, 16) for t in HAND]
    train = [0, 1, 2, 3, 4, 5, 7]
    rows, df = tfidf(tfs, train, list(range(len(HAND))))
    return {"cases": cases, "tfidf_train": train,
            "tfidf_rows_16": [[[b, x] for b, x in sorted(r.items())] for r in rows]}


def route(p, cbar, lam):
    best, best_s = 0, p[0] - lam * cbar[0]
    for i in range(1, len(p)):
        s = p[i] - lam * cbar[i]
        tol = 1e-12 * max(1, abs(s), abs(best_s))
        if s > best_s + tol:
            best, best_s = i, s
        elif s >= best_s - tol:
            if cbar[i] < cbar[best] or (cbar[i] == cbar[best] and p[i] > p[best]):
                best, best_s = i, s
    return best


def choose_lambda(ptrain, cbar, budget):
    def cost(lam):
        return float(np.mean([cbar[route(p, cbar, lam)] for p in ptrain]))
    if cost(0.0) <= budget:
        return 0.0, cost(0.0), True
    cands = set()
    m = len(cbar)
    for p in ptrain:
        for a in range(m):
            for b in range(m):
                if cbar[a] > cbar[b]:
                    lam = (p[a] - p[b]) / (cbar[a] - cbar[b])
                    if lam >= 0:
                        cands.add(lam)
    for lam in sorted(cands):
        c = cost(lam)
        if c <= budget:
            return lam, c, True
    return None, min(cbar), False


def mixture(acc, cbar, budget):
    """(from, to, weight on to) of the none-frontier policy at the budget, from the hull."""
    m = len(acc)
    order = sorted(range(m), key=lambda i: (cbar[i], -acc[i], i))
    hull = [order[0]]
    for i in order[1:]:
        if acc[i] <= acc[hull[-1]]:
            continue
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            if (acc[b] - acc[a]) * (cbar[i] - cbar[a]) <= (acc[i] - acc[a]) * (cbar[b] - cbar[a]):
                hull.pop()
            else:
                break
        hull.append(i)
    if budget < cbar[hull[0]]:
        return None
    for a, b in zip(hull, hull[1:]):
        if budget < cbar[b]:
            return a, b, (budget - cbar[a]) / (cbar[b] - cbar[a])
    return hull[-1], hull[-1], 0.0


def pipeline(ids, y, cost, signal, kind, budget, types, folds=5, seed=0, k=10, lam=1.0, alpha=0.05):
    n, m = y.shape
    fold = [0] * n
    for rank, q in enumerate(seeded_order(ids, seed)):
        fold[q] = rank % folds
    results = {}
    baseline = np.zeros(n)
    preds = {}
    learners = ("knn", "logistic", "constant") + (("type",) if budget is None else ())
    for learner in learners:
        oof = np.zeros((n, m))
        routes = [0] * n
        lambdas = []
        for f in range(folds):
            train = [q for q in range(n) if fold[q] != f]
            test = [q for q in range(n) if fold[q] == f]
            if kind == "text":
                tfs = [tf(t, 1 << 18) for t in signal]
                rtrain, df = tfidf(tfs, train, train)
                rtest, _ = tfidf(tfs, train, test)
                cols = sorted(df)
                index = {b: j for j, b in enumerate(cols)}

                def dense(rows):
                    x = np.zeros((len(rows), len(cols)))
                    for r, row in enumerate(rows):
                        for b, v in row.items():
                            if b in index:
                                x[r, index[b]] = v
                    return x
                xtr, xte = dense(rtrain), dense(rtest)
                ktr, kte = xtr, xte
            else:
                f_ = np.array(signal)
                mu = f_[train].mean(axis=0)
                sd = f_[train].std(axis=0)
                z = np.where(sd > 0, (f_ - mu) / np.where(sd > 0, sd, 1), 0.0)
                xtr, xte = z[train], z[test]
                nrm = np.linalg.norm(z, axis=1, keepdims=True)
                u = np.where(nrm > 0, z / np.where(nrm > 0, nrm, 1), 0.0)
                ktr, kte = u[train], u[test]
            ytr = y[train]
            cbar = cost[train].mean(axis=0)

            if learner == "type":
                # the type frontier at its oracle cost: per training type the most accurate model (ties:
                # cheaper, then input order); p̂ = the models' training accuracy on the type
                overall = ytr.mean(axis=0)
                for q in test:
                    same = [r for r in train if types[r] == types[q]]
                    acc = y[same].mean(axis=0) if same else overall
                    oof[q] = acc
                    if same:
                        cnt = y[same].sum(axis=0)
                        csum = cost[same].sum(axis=0)
                        routes[q] = min(range(m), key=lambda i: (-cnt[i], csum[i], i))
                    else:
                        routes[q] = min(range(m), key=lambda i: (-overall[i], cbar[i], i))
                lambdas.append([None, None, True])
                continue

            def predict(xs, ks):
                if learner == "constant":
                    return np.tile(ytr.mean(axis=0), (len(xs), 1))
                if learner == "knn":
                    out = np.zeros((len(ks), m))
                    for r in range(len(ks)):
                        sims = [float(np.dot(ks[r], ktr[j])) for j in range(len(train))]
                        nb = sorted(range(len(train)), key=lambda j: (-sims[j], j))[:min(k, len(train))]
                        out[r] = ytr[nb].mean(axis=0)
                    return out
                out = np.zeros((len(xs), m))
                for i in range(m):
                    if ytr[:, i].min() == ytr[:, i].max():
                        out[:, i] = ytr[0, i]
                        continue
                    lr = LogisticRegression(C=1 / lam, solver="newton-cg", tol=1e-12, max_iter=10000)
                    lr.fit(xtr, ytr[:, i])
                    out[:, i] = lr.predict_proba(xs)[:, 1]
                return out
            pte = predict(xte, kte)
            oof[test] = pte
            if budget is None:
                lamc, tcost, met = 0.0, None, True
            else:
                lamc, tcost, met = choose_lambda(predict(xtr, ktr), cbar, budget)
            lambdas.append([lamc, tcost, met])
            cheapest = min(range(m), key=lambda i: (cbar[i], i))
            for r, q in enumerate(test):
                routes[q] = cheapest if lamc is None else route(pte[r], cbar, lamc)
            if learner == "constant":
                acc = ytr.mean(axis=0)
                if budget is None:
                    best = min(range(m), key=lambda i: (-acc[i], cbar[i], i))
                    baseline[test] = y[test, best]
                else:
                    mix = mixture(list(acc), list(cbar), budget)
                    if mix is None:
                        baseline[test] = y[test, cheapest]
                    else:
                        a, b, w = mix
                        baseline[test] = (1 - w) * y[test, a] + w * y[test, b]
        preds[learner] = (oof, routes, lambdas)
    best_acc = y.mean(axis=0).max()
    oracle = y.max(axis=1).mean()
    for learner, (oof, routes, lambdas) in preds.items():
        c = np.array([y[q, routes[q]] for q in range(n)], dtype=float)
        d = c - baseline
        gain = d.mean()
        se = d.std(ddof=1) / math.sqrt(n)
        z = stats.norm.ppf(1 - alpha / 2)
        wins, losses = int((d == 1).sum()), int((d == -1).sum())
        binary = bool(np.all(np.isin(d, [-1.0, 0.0, 1.0])))
        mc = None
        if binary:
            total = wins + losses
            mc = 1.0 if total == 0 else float(min(1, 2 * stats.binom.cdf(min(wins, losses), total, 0.5)))
        aucs = [roc_auc_score(y[:, i], oof[:, i]) for i in range(m) if 0 < y[:, i].sum() < n]
        acc = c.mean()
        rcost = float(np.mean([cost[q, routes[q]] for q in range(n)]))
        top = y.sum(axis=0).max()
        results[learner] = {
            "routes": routes, "predictions": [float(v) for v in oof.ravel()], "accuracy": float(acc), "cost": rcost,
            "captured_share": float((acc - best_acc) / (oracle - best_acc)),
            "share_routed_to_best": float(np.mean([y[:, routes[q]].sum() == top for q in range(n)])),
            "gain": float(gain), "se": float(se), "ci_lo": float(gain - z * se), "ci_hi": float(gain + z * se),
            "wins": wins, "losses": losses, "mcnemar_p": mc, "mean_auc": float(np.mean(aucs)),
            "mean_brier": float(np.mean((oof - y) ** 2)), "folds": lambdas,
            "meets_budget": True if budget is None else bool(rcost <= budget)}
    return {"baseline_accuracy": float(baseline.mean()), "learners": results}


def main():
    with open(OUT + "text_features.json", "w") as f:
        json.dump(hand(), f, ensure_ascii=False, indent=1)
    text_routing_example.write(FIX, 300, 11)
    out = []
    for case in ("topical", "blind"):
        base = os.path.join(FIX, case)
        rows = list(csv_rows(os.path.join(base, "matrix.csv")))
        ids = sorted({r[0] for r in rows})
        models = []
        for r in rows:
            if r[1] not in models:
                models.append(r[1])
        y = np.zeros((len(ids), len(models)))
        cost = np.zeros((len(ids), len(models)))
        qi = {q: j for j, q in enumerate(ids)}
        for q, mname, c, price, _ in rows:
            y[qi[q], models.index(mname)] = int(c)
            cost[qi[q], models.index(mname)] = float(price)
        types = {}
        for q, mname, c, price, t in rows:
            types[q] = t
        texts = dict(csv_rows(os.path.join(base, "texts.csv")))
        feats = {r[0]: [float(v) for v in r[1:]] for r in csv_rows(os.path.join(base, "features.csv"))}
        for kind, budget in (("text", None), ("text", 0.0027), ("numeric", None), ("numeric", 0.0017)):
            if case == "blind" and budget is not None:
                continue
            signal = [texts[q] for q in ids] if kind == "text" else [feats[q] for q in ids]
            res = pipeline(ids, y, cost, signal, kind, budget, [types[q] for q in ids])
            out.append({"case": case, "kind": kind, "budget": budget, **res})
            print(case, kind, budget, {k: round(v["accuracy"], 4) for k, v in res["learners"].items()})
    with open(OUT + "learned.json", "w") as f:
        json.dump(out, f)


def csv_rows(path):
    import csv
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        yield from r


if __name__ == "__main__":
    main()
