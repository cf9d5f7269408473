"""The won-customer lookalike (SPEC §7): learns from won versus the rest, explains scores.

Pure: customer features in, a :class:`LookalikeModel` out; the model scores any features,
including those of a lead that is not in the store.

Features are the tags the customer carries (trait and interest tags carried by at least
5 % of the training customers, and two; presence, not the tag's score: both choices ranked
better on the demo),
the principal components (at most 32) of its mean message embedding,
and a "no embedding" flag, each standardised over the training customers. The learner is an
L2 logistic regression of won versus the rest that knows only some outcomes are final:
won customers are positives, lost ones negatives, and open leads unlabelled, counted as
negatives with a quarter of the weight (positive-unlabelled learning); won and the rest
weigh the same in total. Its log-odds are then calibrated (Platt scaling on the
cross-validation's out-of-fold log-odds), so the strong regularisation that helps the
ranking does not squash every score towards one half.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from models import _lookalike_fit as fit
from models._lookalike_io import pack, unpack
from models._regions import region_of
from models.profiles import MessageFacts, Profile, build_profile

Outcome = Literal["won", "lost", "open"]
MIN_WON = 5
MIN_OTHER = 5
STRONG = 0.6  # score from which a lead is labelled "strong"
MODERATE = 0.3  # score from which a lead is labelled "moderate" (below: "weak")
MAX_SHARED_TAGS = 8

_CODES: Mapping[str, int] = {"won": fit.WON, "lost": fit.LOST, "open": fit.OPEN}


class NotEnoughOutcomes(Exception):  # noqa: N818 (the name is the contract)
    """Too few won (or other) customers to learn from; the message says how many are needed."""


@dataclass(frozen=True, slots=True)
class CustomerFeatures:
    """What the lookalike knows of a customer: its mean message embedding (None without
    embedded messages) and its tags (tag id → score)."""

    customer_id: str
    name: str
    embedding: NDArray[np.float32] | None
    tags: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class SharedTag:
    """A tag the scored customer carries that pushes its score up, and the share of won
    customers that carry it too."""

    id: str
    weight: float
    won_share: float


@dataclass(frozen=True, slots=True)
class Score:
    """A lookalike score with its explanation (see :meth:`LookalikeModel.score`); the won
    customers nearest to the scored one are found in the store, not by the model."""

    score: float  # in [0, 1]
    percentile: float  # in [0, 100], among the open leads the model was trained with
    label: Literal["strong", "moderate", "weak"]
    shared_tags: tuple[SharedTag, ...]


def customer_features(
    customer_id: str,
    name: str,
    messages: Sequence[MessageFacts],
    embeddings: Mapping[str, NDArray[np.float32]],
    topic_names: Mapping[int, str],
    *,
    now: datetime,
    lost_after_days: int = 90,
    profile: Profile | None = None,
) -> CustomerFeatures:
    """Features of a customer from its messages before its profile's ``cutoff`` (what the
    lead looked like before it was won or lost), so outcomes do not leak into the score.
    ``profile`` is the profile of all ``messages`` when the caller has built it already.

    ``tags`` are the tag scores of the profile of those messages, plus two derived ones:
    ``derived:region:<region>`` of its country (a region teaches more than a country seen
    a few times) and ``derived:valid_inquiry:yes|no`` of its first inquiry; ``embedding`` is the
    L2-normalised mean of their embeddings (``embeddings`` is keyed by message id), of the
    inbound ones when any inbound one is embedded; None when none is."""
    if profile is None:
        profile = build_profile(messages, topic_names, now=now, lost_after_days=lost_after_days)
    kept = list(messages)
    if profile.cutoff is not None:
        cutoff = profile.cutoff
        kept = [m for m in messages if m.sent_at < cutoff]
        profile = build_profile(kept, topic_names, now=now, lost_after_days=lost_after_days)
    embedded = sorted((m for m in kept if m.id in embeddings), key=lambda m: (m.sent_at, m.id))
    chosen = [m for m in embedded if m.direction == "inbound"] or embedded
    embedding: NDArray[np.float32] | None = None
    if chosen:
        mean = np.mean([np.asarray(embeddings[m.id], dtype=np.float64) for m in chosen], axis=0)
        norm = float(np.linalg.norm(mean))
        if norm > 0 and np.isfinite(norm):
            embedding = (mean / norm).astype(np.float32)
    tags = {tag.id: tag.score for tag in profile.tags}
    region = region_of(profile.country)
    if region is not None:
        tags[f"derived:region:{region}"] = 1.0
    if profile.stage.valid_inquiry is not None:
        valid = "yes" if profile.stage.valid_inquiry[0] else "no"
        tags[f"derived:valid_inquiry:{valid}"] = 1.0
    return CustomerFeatures(customer_id=customer_id, name=name, embedding=embedding, tags=tags)


def label_of(score: float) -> Literal["strong", "moderate", "weak"]:
    """The label of a score: ``strong`` from :data:`STRONG`, ``moderate`` from
    :data:`MODERATE`, else ``weak``."""
    return "strong" if score >= STRONG else "moderate" if score >= MODERATE else "weak"


class LookalikeModel:
    """A trained scorer; ``version`` is new at every training. Made by :func:`train` or
    :func:`load_model`, never directly."""

    version: str
    trained_at: datetime
    n_won: int
    n_lost: int
    n_open: int
    cv_auc: float | None

    def __init__(self, header: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> None:
        """The model of ``header`` and ``arrays`` as :meth:`to_bytes` lays them out."""
        self.version = str(header["version"])
        self.trained_at = datetime.fromisoformat(header["trained_at"])
        self.n_won = int(header["n_won"])
        self.n_lost = int(header["n_lost"])
        self.n_open = int(header["n_open"])
        self.cv_auc = None if header["cv_auc"] is None else float(header["cv_auc"])
        self._header = dict(header)
        self._arrays = dict(arrays)
        self._encoder = fit.Encoder(
            tag_ids=list(header["tag_ids"]),
            emb_dim=int(header["emb_dim"]),
            emb_mean=arrays["emb_mean"],
            components=arrays["components"],
            center=arrays["center"],
            scale=arrays["scale"],
        )
        self._coef: fit.Floats = arrays["coef"]
        self._intercept = float(arrays["intercept"][0])
        self._won_share: fit.Floats = arrays["won_share"]
        self._reference: fit.Floats = arrays["reference"]
        self._encoder.check()
        width, n_tags = self._encoder.width, len(self._encoder.tag_ids)
        if (
            self._coef.shape != (width,)
            or self._won_share.shape != (n_tags,)
            or self._reference.ndim != 1
            or self._reference.size == 0
        ):
            raise ValueError("the model's arrays do not fit together")
        self._tag_weight = self._coef[:n_tags] / self._encoder.scale[:n_tags]

    def _rows(self, features: Sequence[CustomerFeatures]) -> fit.Floats:
        encoder = self._encoder
        embeddings = [f.embedding if encoder.emb_dim else None for f in features]
        emb, present, _ = fit.stack_embeddings(embeddings, encoder.emb_dim)
        return encoder.encode([f.tags for f in features], emb, present)

    def score(self, features: CustomerFeatures) -> Score:
        """The score of one customer (in the store or not), with its explanation.

        ``score`` is the model's probability of winning; ``label`` is ``strong`` from 0.6,
        ``moderate`` from 0.3, else ``weak``. ``shared_tags`` are the (at most
        8) tags it carries whose coefficient raises its log-odds and that some won
        customer carries too, by that contribution (``weight``), largest first."""
        row = self._rows([features])[0]
        probability = float(
            fit.probabilities(fit.logits(row[None, :], self._coef, self._intercept))[0]
        )
        return Score(
            score=probability,
            percentile=self.percentile(probability),
            label=label_of(probability),
            shared_tags=self._shared_tags(features),
        )

    def _shared_tags(self, features: CustomerFeatures) -> tuple[SharedTag, ...]:
        found: list[tuple[float, str, float]] = []
        for tag, value in features.tags.items():
            col = self._encoder.column(tag)
            if col is not None and value > 0 and self._won_share[col] > 0:
                weight = round(float(self._tag_weight[col]), 4)
                if weight > 0:
                    found.append((weight, tag, round(float(self._won_share[col]), 4)))
        found.sort(key=lambda item: (-item[0], item[1]))
        return tuple(
            SharedTag(id=tag, weight=weight, won_share=share)
            for weight, tag, share in found[:MAX_SHARED_TAGS]
        )

    def score_many(self, features: Sequence[CustomerFeatures]) -> NDArray[np.float64]:
        """Scores only, for many customers at once: the same values :meth:`score` gives."""
        if not features:
            return np.zeros(0, dtype=np.float64)
        return fit.probabilities(fit.logits(self._rows(features), self._coef, self._intercept))

    def percentile(self, score: float) -> float:
        """Where ``score`` falls among the open leads' scores at training, 0-100: the share
        of them scoring at most ``score`` (of every training customer when none was open),
        rounded to 2 places."""
        below = int(np.searchsorted(self._reference, score, side="right"))
        return round(100.0 * below / len(self._reference), 2)

    def to_bytes(self) -> bytes:
        """A self-contained serialisation (no pickle): :func:`load_model` reads it back."""
        return pack(self._header, self._arrays)


def load_model(data: bytes) -> LookalikeModel:
    """The model :meth:`LookalikeModel.to_bytes` wrote; ValueError when ``data`` is not one."""
    header, arrays = unpack(data)
    try:
        return LookalikeModel(header, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ValueError(f"not a lookalike model: {error!r}") from error


def train(
    features: Sequence[CustomerFeatures],
    outcomes: Mapping[str, Outcome],
    *,
    seed: int = 42,
    min_won: int = MIN_WON,
    min_other: int = MIN_OTHER,
) -> LookalikeModel:
    """Learn won versus the rest: lost customers are negatives, open ones unlabelled.
    Raises :class:`NotEnoughOutcomes` below ``min_won`` won or ``min_other`` other
    customers. ``cv_auc`` is the cross-validated ROC AUC (None when too few to split).

    Customers missing from ``outcomes`` are open; outcomes of customers not in ``features``
    are ignored. ``cv_auc`` is judged on won versus lost when at least 5 customers are lost,
    otherwise on won versus lost and open. The same inputs and ``seed`` give the same
    scores. Raises ValueError for a repeated customer id, an unknown outcome, or embeddings
    of unequal sizes."""
    ids = [f.customer_id for f in features]
    if len(set(ids)) != len(ids):
        raise ValueError("a customer id appears twice in the training features")
    unknown = {str(o) for o in outcomes.values()} - _CODES.keys()
    if unknown:
        raise ValueError(f"unknown outcomes {sorted(unknown)}; expected won, lost or open")
    codes = np.array([_CODES[outcomes.get(cid, "open")] for cid in ids], dtype=np.int8)
    n_won = int((codes == fit.WON).sum())
    n_other = len(codes) - n_won
    if n_won < max(min_won, 1) or n_other < max(min_other, 1):
        raise NotEnoughOutcomes(
            f"need at least {max(min_won, 1)} won and {max(min_other, 1)} other customers "
            f"with outcomes; have {n_won} won and {n_other} other"
        )
    tags = [f.tags for f in features]
    emb, present, _ = fit.stack_embeddings([f.embedding for f in features], None)
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
        [[features[i].tags.get(tag, 0.0) > 0 for tag in encoder.tag_ids] for i in won],
        dtype=np.float64,
    )
    now = datetime.now(UTC)
    header = {
        "version": f"lk-{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}",
        "trained_at": now.isoformat(),
        "n_won": n_won,
        "n_lost": int((codes == fit.LOST).sum()),
        "n_open": int(is_open.sum()),
        "cv_auc": validation.auc,
        "tag_ids": list(encoder.tag_ids),
        "emb_dim": encoder.emb_dim,
    }
    arrays = {
        "emb_mean": encoder.emb_mean,
        "components": encoder.components,
        "center": encoder.center,
        "scale": encoder.scale,
        "coef": coef,
        "intercept": np.array([intercept], dtype=np.float64),
        "won_share": carried.mean(axis=0),
        "reference": reference,
    }
    return LookalikeModel(header, arrays)
