"""Themes from sentence embeddings, without being told how many there are.

One function serves the app (re-clustering the feedback inbox) and the analysts' command
(`prism feedback cluster FILE.csv`):

1. Ward's agglomerative tree over the unit vectors (exact, O(n²) time and memory).
2. The tree is cut where a model of the data is most probable for its size: each cut is read as
   a mixture of spherical Gaussians (one per theme, one shared spread) in the inbox's principal
   subspace, the directions holding `VARIANCE_SHARE` of its variance, and scored by the Bayesian
   information criterion (fit against the parameters it took). Nothing in it is an absolute
   cosine: the subspace, the spread and the penalty all come from the inbox itself, so an inbox
   of fine-grained requests in one vocabulary (where cosines run high) and one of broad topics
   get the granularity their own structure shows. Near-repeats (cosine 0.9 or more: the same
   complaint forwarded, one template with other customers' names) count once in this choice,
   since how often a thing is said says nothing about how many things are said.
3. A few rounds of spherical k-means started from those themes move items that Ward's greedy
   merges left on the wrong side.

Above `TREE_LIMIT` items the tree is grown on an evenly drawn sample of that many (its memory
grows with the square of the count); every item then joins its closest sample theme before the
k-means rounds, so large exports cluster in bounded memory.

Tuned on CLINC150's validation split (whole and per domain) and HWU64's development sample, and
reported on CLINC150's test split and each of its domains (bench/feedback_bench.py). A person
may ask for broader or narrower themes: each step of `granularity` makes a parameter dearer or
cheaper by `PENALTY_STEP`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from prism.embeddings import Vectors

# The share of the inbox's variance, along its principal directions, the cut is judged in: the
# directions that tell requests apart, without the many that only tell sentences apart.
VARIANCE_SHARE = 0.35
# A person may ask for broader (negative) or narrower (positive) themes; each step makes a
# theme's parameters dearer (broader) or cheaper (narrower) by this factor.
PENALTY_STEP = 1.5
GRANULARITY = range(-3, 4)
BROADEST, NARROWEST = GRANULARITY[0], GRANULARITY[-1]
# A new cluster this close to a theme people hold joins it on re-clustering; suggestions while
# typing come from a little further.
FIT = 0.75
# Roadmap requests join the closest capability when at least this close to its centre.
JOIN = 0.6
REFINE_ROUNDS = 5
# Ward's tree needs n²/2 distances: 10,000 items take 400 MB, twice as many four times that.
TREE_LIMIT = 10_000
# Items closer than this in Ward's tree (two unit vectors at cosine 0.9) are repeats of one
# another: the cut is chosen as if each group of them were one item.
REPEAT_DISTANCE = 0.45
# Cuts scored first (geometrically spaced), then every count between the best one's neighbours.
CANDIDATES = 60

Labels = NDArray[np.int64]


def cluster(vectors: Vectors, *, k: int | None = None, granularity: int = 0) -> Labels:
    """A theme number (0, 1, ...) for each row of `vectors`; `k` fixes the number of themes,
    `granularity` (see `GRANULARITY`) asks for broader or narrower ones."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    unit = _unit(vectors.astype(np.float64))
    if n <= TREE_LIMIT:
        return refine(unit, _tree_cut(unit, k, granularity))
    # A fixed seed: the same export always gives the same themes.
    sample = np.sort(np.random.default_rng(0).choice(n, TREE_LIMIT, replace=False))
    found = _tree_cut(unit[sample], k, granularity)
    return refine(unit, _dense(_closest(unit, _unit(sums(unit[sample], found)))))


def _tree_cut(unit: NDArray[np.float64], k: int | None, granularity: int) -> Labels:
    """Ward's tree over `unit`, cut into `k` themes or, without `k`, at the cut the Bayesian
    information criterion prefers (see the module's doc)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(unit, "ward")

    def cut(count: int) -> Labels:
        return _dense(fcluster(tree, count, "maxclust"))

    n = len(unit)
    if k is not None:
        return cut(min(max(k, 1), n))
    # Near-repeats (the same complaint forwarded, a template with another customer's name) say
    # nothing about how many needs there are: each tight group of them counts once.
    atoms = _dense(fcluster(tree, REPEAT_DISTANCE, "distance"))
    first = np.zeros(int(atoms.max()) + 1, dtype=np.int64)
    first[atoms[::-1]] = np.arange(n)[::-1]
    means = sums(unit, atoms) / np.bincount(atoms)[:, None]
    projected = principal(means, VARIANCE_SHARE)
    penalty = PENALTY_STEP ** (-granularity)

    def cost(count: int) -> tuple[float, int]:
        labels = _dense(cut(count)[first])
        return (information_criterion(projected, labels, penalty), count)

    top = min(len(first), max(2, len(first) // 2))  # a handful of items may be all apart
    counts = sorted({int(c) for c in np.geomspace(1, top, CANDIDATES)})
    best = min(counts, key=cost)
    at = counts.index(best)
    around = range(counts[max(at - 1, 0)], counts[min(at + 1, len(counts) - 1)] + 1)
    return cut(min(around, key=cost))


def principal(unit: NDArray[np.float64], share: float) -> NDArray[np.float64]:
    """`unit` centred and projected on its principal directions, as many as hold `share` of the
    variance (at least one)."""
    centred = unit - unit.mean(axis=0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    held = np.cumsum(singular**2) / max(float((singular**2).sum()), 1e-12)
    dims = int(np.searchsorted(held, share)) + 1
    projected: NDArray[np.float64] = centred @ directions[:dims].T
    return projected


def information_criterion(
    points: NDArray[np.float64], labels: Labels, penalty: float = 1.0
) -> float:
    """BIC of `labels` read as a mixture of spherical Gaussians with one shared variance: minus
    twice the log-likelihood, plus `penalty` times the parameters (each theme's centre and
    weight, the variance) times log n. Lower is better."""
    n, dims = points.shape
    count = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=count).astype(np.float64)
    totals = np.zeros((count, dims))
    np.add.at(totals, labels, points)
    within = float((points**2).sum() - ((totals**2).sum(axis=1) / sizes).sum())
    variance = max(within / (n * dims), 1e-12)
    log_likelihood = float((sizes * np.log(sizes / n)).sum()) - 0.5 * n * dims * (
        np.log(2 * np.pi * variance) + 1
    )
    parameters = count * dims + count
    return float(-2 * log_likelihood + penalty * parameters * np.log(n))


def refine(unit: NDArray[np.float64], labels: Labels, rounds: int = REFINE_ROUNDS) -> Labels:
    """Spherical k-means from the given themes: each item moves to its closest centre."""
    for _ in range(rounds):
        moved = _dense(_closest(unit, _unit(sums(unit, labels))))
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def _closest(unit: NDArray[np.float64], centres: NDArray[np.float64]) -> Labels:
    """Each row's closest centre, a slice of rows at a time (bounded memory for any size)."""
    out = np.empty(len(unit), dtype=np.int64)
    for start in range(0, len(unit), 20_000):
        out[start : start + 20_000] = (unit[start : start + 20_000] @ centres.T).argmax(axis=1)
    return out


def cohesion(unit: NDArray[np.float64], labels: Labels) -> float:
    """The members' average cosine to their own theme's centre."""
    centres = _unit(sums(unit, labels))
    return float((unit * centres[labels]).sum(axis=1).mean())


def sums(vectors: NDArray[np.floating], labels: Labels) -> NDArray[np.float64]:
    """Each theme's vector sum (a centre, once made unit length)."""
    total = np.zeros((int(labels.max()) + 1, vectors.shape[1]), dtype=np.float64)
    np.add.at(total, labels, vectors)
    return total


def representatives(vectors: Vectors, count: int) -> list[int]:
    """Rows of one theme's `vectors` closest to its centre, the most typical first."""
    if len(vectors) == 0:
        return []
    centre = _unit(vectors.astype(np.float64).sum(axis=0, keepdims=True))[0]
    scores = vectors @ centre
    return [int(i) for i in np.argsort(-scores, kind="stable")[:count]]


@dataclass(frozen=True)
class Placement:
    """Where a new item goes: the closest theme, and whether it is close enough to join it."""

    index: int | None
    similarity: float

    def joins(self, threshold: float = JOIN) -> bool:
        return self.index is not None and self.similarity >= threshold


def place(vector: Vectors, centre_sums: NDArray[np.floating]) -> Placement:
    """The theme (row of `centre_sums`) whose centre is closest to `vector`."""
    if len(centre_sums) == 0:
        return Placement(None, 0.0)
    scores = _unit(centre_sums.astype(np.float64)) @ vector.astype(np.float64)
    best = int(scores.argmax())
    return Placement(best, float(scores[best]))


def _unit(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _dense(labels: NDArray[np.integer]) -> Labels:
    """FeedbackTheme numbers 0..k-1 in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)
