"""Themes from sentence embeddings, without being told how many there are.

One function serves the app (re-clustering the feedback inbox) and the analysts' command
(`prism feedback cluster FILE.csv`):

1. Ward's agglomerative tree over the unit vectors (exact, O(n²) time and memory).
2. The tree is cut at the fewest themes whose members lie, on average, at cosine `FIT` or more
   from their theme's centre. That is a statement about meaning ("items of one theme say nearly
   the same thing"), not about the data's size, so it carries from one inbox to another; found by
   bisection over the tree's cuts, each a few milliseconds.
3. A few rounds of spherical k-means started from those themes move items that Ward's greedy
   merges left on the wrong side.

Above `TREE_LIMIT` items the tree is grown on an evenly drawn sample of that many (its memory
grows with the square of the count); every item then joins its closest sample theme before the
k-means rounds, so large exports cluster in bounded memory.

Chosen on CLINC150's validation split and measured on its test split (bench/feedback_bench.py).
The criterion is an average: a few very tight themes can carry a loose one, so two small,
unrelated groups may come out as one when everything else is near-duplicates; people split it.
(Requiring every theme to pass instead tripled the themes on CLINC150.) A data set whose
labels are much broader than "the same request" (twenty news topics, say) comes out finer than
its labels: that is the granularity a feedback theme wants.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from prism.embeddings import Vectors

# Average cosine of a theme's members to its centre at the chosen cut (see the module's doc).
FIT = 0.75
# A new item joins the closest theme when at least this close to its centre, else starts one.
JOIN = 0.6
REFINE_ROUNDS = 5
# Ward's tree needs n²/2 distances: 10,000 items take 400 MB, twice as many four times that.
TREE_LIMIT = 10_000

Labels = NDArray[np.int64]


def cluster(vectors: Vectors, *, k: int | None = None, fit: float = FIT) -> Labels:
    """A theme number (0, 1, ...) for each row of `vectors`; `k` fixes the number of themes."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    unit = _unit(vectors.astype(np.float64))
    if n <= TREE_LIMIT:
        return refine(unit, _tree_cut(unit, k, fit))
    # A fixed seed: the same export always gives the same themes.
    sample = np.sort(np.random.default_rng(0).choice(n, TREE_LIMIT, replace=False))
    found = _tree_cut(unit[sample], k, fit)
    return refine(unit, _dense(_closest(unit, _unit(sums(unit[sample], found)))))


def _tree_cut(unit: NDArray[np.float64], k: int | None, fit: float) -> Labels:
    """Ward's tree over `unit`, cut into `k` themes or, without `k`, at the fewest themes whose
    members average cosine `fit` to their centre."""
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(unit, "ward")

    def cut(count: int) -> Labels:
        return _dense(fcluster(tree, count, "maxclust"))

    if k is not None:
        return cut(min(max(k, 1), len(unit)))
    low, high = 1, len(unit)
    while low < high:
        middle = (low + high) // 2
        if cohesion(unit, cut(middle)) >= fit:
            high = middle
        else:
            low = middle + 1
    return cut(low)


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


# Words that say nothing about what a theme is about.
_QUIET = (
    "a about above after again against all am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for "
    "from further had has have having he her here hers herself him himself his how i if in "
    "into is it its itself just me more most my myself no nor not now of off on once only or "
    "other our ours ourselves out over own same she should so some such than that the their "
    "theirs them themselves then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your yours "
    "yourself yourselves please need needs want wants would like also get got can't cannot "
    "don't doesn't isn't it's i'm we're they're let us really still much many lot lots one "
    "two way thing things make made use using used"
)
STOPWORDS = frozenset(_QUIET.split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z0-9]")


def keywords(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and not w.isdigit()]


def label_themes(texts: Sequence[str], labels: Labels, words: int = 3) -> list[str]:
    """A readable label per theme: its most distinctive words (class-based TF-IDF: frequent in
    the theme, rare across themes)."""
    count = int(labels.max()) + 1 if len(labels) else 0
    bags: list[Counter[str]] = [Counter() for _ in range(count)]
    first: dict[str, int] = {}  # ties go to the word met first, so one item reads in its order
    for text, label in zip(texts, labels, strict=True):
        found = keywords(text)
        for word in found:
            first.setdefault(word, len(first))
        bags[int(label)].update(set(found))
    spread = Counter(word for bag in bags for word in bag)
    sizes = Counter(int(label) for label in labels)
    result = []
    for theme, bag in enumerate(bags):
        size = sizes[theme]

        def score(word: str, bag: Counter[str] = bag, size: int = size) -> tuple[float, int]:
            return (-(bag[word] / size) * np.log(1 + count / spread[word]), first[word])

        scored = sorted(bag, key=score)
        chosen = scored[:words]
        result.append(" · ".join(chosen) if chosen else "(no words)")
    return result


def _unit(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _dense(labels: NDArray[np.integer]) -> Labels:
    """FeedbackTheme numbers 0..k-1 in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)
