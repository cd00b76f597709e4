"""The clustering core on vectors whose groups are known: found without K, K honoured, labels,
representatives, placement; and the offline CSV path's bad input."""

from __future__ import annotations

import numpy as np
import pytest

from prism.errors import Invalid
from prism.feedback import offline
from prism.grouping import clustering


def groups(sizes: list[int], *, spread: float = 0.9, seed: int = 3) -> tuple[np.ndarray, list[int]]:
    """Points around random unit centres in 64 dimensions, and which centre each came from;
    members lie at a cosine of about 0.76 from their centre, as sentences of one intent do
    (0.73 in CLINC150)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), 64))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rows, truth = [], []
    for g, size in enumerate(sizes):
        for _ in range(size):
            rows.append(centres[g] + rng.normal(scale=spread / 8, size=64))
            truth.append(g)
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), truth


def same_partition(found: np.ndarray, truth: list[int]) -> bool:
    pairs = {(int(f), t) for f, t in zip(found, truth, strict=True)}
    return len(pairs) == len(set(truth)) == len(set(found.tolist()))


def test_well_separated_groups_are_found_without_being_told_how_many() -> None:
    vectors, truth = groups([12, 7, 20, 3, 9])
    assert same_partition(clustering.cluster(vectors), truth)


def test_a_given_k_is_honoured_and_themes_are_numbered_densely() -> None:
    vectors, _ = groups([10, 10, 10, 10])
    found = clustering.cluster(vectors, k=2)
    assert sorted(set(found.tolist())) == [0, 1]
    assert clustering.cluster(vectors[:1]).tolist() == [0]
    assert clustering.cluster(vectors[:0]).tolist() == []


def test_placement_joins_a_close_theme_and_refuses_a_far_one() -> None:
    vectors, truth = groups([10, 10])
    sums = clustering.sums(vectors, np.array(truth, dtype=np.int64))
    near = clustering.place(vectors[0], sums)
    assert near.index == 0 and near.joins()
    stranger = np.zeros(64, dtype=np.float32)
    stranger[0] = 1.0
    assert not clustering.place(stranger, sums).joins()
    assert clustering.place(vectors[0], np.zeros((0, 64))).index is None


def test_representatives_are_the_typical_rows() -> None:
    vectors, _ = groups([5])
    assert clustering.representatives(vectors, 2)[0] in range(5)
    assert len(clustering.representatives(vectors, 2)) == 2


def test_the_offline_reader_names_a_missing_column_and_a_wrong_encoding() -> None:
    assert offline.read_text_column("\ufefftext,n\nhello,1\n,2\n".encode(), "text") == ["hello", ""]
    with pytest.raises(Invalid, match=r"No column 'body'.*text, n"):
        offline.read_text_column(b"text,n\nhello,1\n", "body")
    with pytest.raises(Invalid, match=r"not UTF-8 text \(line 2"):
        offline.read_text_column("text\ncaf\u00e9\n".encode("latin-1"), "text")
    with pytest.raises(Invalid, match="empty"):
        offline.read_text_column(b"", "text")


def test_offline_clustering_keeps_one_line_per_row_in_order() -> None:
    done = offline.cluster_texts(["SSO with Okta please", "", "Okta SSO is missing", "too pricey"])
    rows = [line[0] for line in done.lines]
    assert rows == [1, 2, 3, 4] and done.empty_rows == [2]
    assert done.lines[0][1] == done.lines[2][1] != done.lines[3][1]
    assert done.as_csv().splitlines()[0] == "row,theme_id,theme_label"


def test_more_items_than_the_tree_takes_are_clustered_from_a_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vectors, truth = groups([40, 25, 60, 30])
    monkeypatch.setattr(clustering, "TREE_LIMIT", 60)
    found = clustering.cluster(vectors)
    assert len(found) == len(truth) and same_partition(found, truth)
    assert clustering.cluster(vectors, k=3).max() == 2
