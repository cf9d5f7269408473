"""One fitted lookalike scorer (SPEC §7): encoder, calibrated coefficients, the open leads'
scores for percentiles, and the won customers' tag shares for explanations. The lookalike
model holds two of them (first contact, stage-aware). Private to :mod:`models.lookalike`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from models import _lookalike_fit as fit

MAX_SHARED_TAGS = 8


@dataclass(frozen=True, slots=True)
class SharedTag:
    """A tag the scored customer carries that pushes its score up, and the share of won
    customers that carry it too."""

    id: str
    weight: float
    won_share: float


class Scorer:
    """Tags and an embedding → the calibrated probability of winning, its percentile among
    the open leads of the training, and the tags behind it."""

    def __init__(
        self,
        encoder: fit.Encoder,
        coef: fit.Floats,
        intercept: float,
        won_share: fit.Floats,
        reference: fit.Floats,
    ) -> None:
        """The scorer of these fitted parts; ValueError when their shapes disagree."""
        encoder.check()
        if (
            coef.shape != (encoder.width,)
            or won_share.shape != (len(encoder.tag_ids),)
            or reference.ndim != 1
            or reference.size == 0
        ):
            raise ValueError("the scorer's arrays do not fit together")
        self.encoder = encoder
        self.coef = coef
        self.intercept = intercept
        self.won_share = won_share
        self.reference = reference
        self._tag_weight = coef[: len(encoder.tag_ids)] / encoder.scale[: len(encoder.tag_ids)]

    def probabilities(
        self,
        tags: Sequence[Mapping[str, float]],
        embeddings: Sequence[NDArray[np.float32] | None],
    ) -> NDArray[np.float64]:
        """The probability of winning of each customer (``tags[i]``, ``embeddings[i]``)."""
        encoder = self.encoder
        emb, present, _ = fit.stack_embeddings(
            [e if encoder.emb_dim else None for e in embeddings], encoder.emb_dim
        )
        rows = encoder.encode(tags, emb, present)
        return fit.probabilities(fit.logits(rows, self.coef, self.intercept))

    def percentile(self, score: float) -> float:
        """Where ``score`` falls among the open leads' scores at training, 0-100: the share
        of them scoring at most ``score`` (of every training customer when none was open),
        rounded to 2 places."""
        below = int(np.searchsorted(self.reference, score, side="right"))
        return round(100.0 * below / len(self.reference), 2)

    def shared_tags(self, tags: Mapping[str, float]) -> tuple[SharedTag, ...]:
        """The (at most 8) tags of ``tags`` whose coefficient raises the log-odds and that
        some won customer carries too, by that contribution (``weight``), largest first."""
        found: list[tuple[float, str, float]] = []
        for tag, value in tags.items():
            col = self.encoder.column(tag)
            if col is not None and value > 0 and self.won_share[col] > 0:
                weight = round(float(self._tag_weight[col]), 4)
                if weight > 0:
                    found.append((weight, tag, round(float(self.won_share[col]), 4)))
        found.sort(key=lambda item: (-item[0], item[1]))
        return tuple(
            SharedTag(id=tag, weight=weight, won_share=share)
            for weight, tag, share in found[:MAX_SHARED_TAGS]
        )

    def to_parts(self, prefix: str) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
        """Header entries and arrays, their names starting with ``prefix``, that
        :meth:`from_parts` reads back."""
        header: dict[str, Any] = {
            f"{prefix}tag_ids": list(self.encoder.tag_ids),
            f"{prefix}emb_dim": self.encoder.emb_dim,
        }
        arrays = {
            f"{prefix}emb_mean": self.encoder.emb_mean,
            f"{prefix}components": self.encoder.components,
            f"{prefix}center": self.encoder.center,
            f"{prefix}scale": self.encoder.scale,
            f"{prefix}coef": self.coef,
            f"{prefix}intercept": np.array([self.intercept], dtype=np.float64),
            f"{prefix}won_share": self.won_share,
            f"{prefix}reference": self.reference,
        }
        return header, arrays

    @classmethod
    def from_parts(
        cls, header: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]], prefix: str
    ) -> Scorer:
        """The scorer :meth:`to_parts` laid out under ``prefix``; KeyError, TypeError or
        ValueError when it is not there or does not fit together."""
        encoder = fit.Encoder(
            tag_ids=[str(tag) for tag in header[f"{prefix}tag_ids"]],
            emb_dim=int(header[f"{prefix}emb_dim"]),
            emb_mean=arrays[f"{prefix}emb_mean"],
            components=arrays[f"{prefix}components"],
            center=arrays[f"{prefix}center"],
            scale=arrays[f"{prefix}scale"],
        )
        return cls(
            encoder,
            arrays[f"{prefix}coef"],
            float(arrays[f"{prefix}intercept"][0]),
            arrays[f"{prefix}won_share"],
            arrays[f"{prefix}reference"],
        )


def fit_scorer(
    tags: Sequence[Mapping[str, float]],
    embeddings: Sequence[NDArray[np.float32] | None],
    codes: NDArray[np.int8],
    seed: int,
) -> tuple[Scorer, float | None]:
    """A scorer of won (``codes``) from these customers' tags and embeddings, and its
    cross-validated ROC AUC (see :func:`models._lookalike_fit.cross_validate`): the PU
    logistic regression on the encoded rows, its log-odds calibrated on the out-of-fold
    ones (Platt scaling), percentiles against the open leads."""
    emb, present, _ = fit.stack_embeddings(embeddings, None)
    validation = fit.cross_validate(tags, emb, present, codes, seed)
    slope, offset = fit.calibration(validation.logits, codes)
    encoder = fit.fit_encoder(tags, emb, present)
    rows = encoder.encode(tags, emb, present)
    raw_coef, raw_intercept = fit.fit_logit(rows, codes)
    coef, intercept = slope * raw_coef, slope * raw_intercept + offset
    scores = fit.probabilities(fit.logits(rows, coef, intercept))
    is_open = codes == fit.OPEN
    reference = np.sort(scores[is_open] if is_open.any() else scores)
    won = [int(i) for i in np.flatnonzero(codes == fit.WON)]
    carried = np.array(
        [[tags[i].get(tag, 0.0) > 0 for tag in encoder.tag_ids] for i in won],
        dtype=np.float64,
    ).reshape(len(won), len(encoder.tag_ids))
    scorer = Scorer(encoder, coef, intercept, carried.mean(axis=0), reference)
    return scorer, validation.auc
