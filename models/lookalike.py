"""The won-customer lookalike (SPEC §7): learns from won versus the rest, explains scores.

Pure: customer features in, a :class:`LookalikeModel` out; the model scores any features,
including those of a lead that is not in the store.

The rep asks "is this lead like our won customers?" when the first inquiry arrives, so the
score (:meth:`LookalikeModel.score`) reads every customer as it was at first contact: its
``tags`` and ``embedding`` come from the mail it wrote up to our first quotation, read from
the text alone (:mod:`models.first_contact`) — a stored lead, a won customer of years ago
and a lead pasted as texts are described by the same function over the same kind of input,
and what followed our offer (negotiation, samples, orders, which show the outcome) never
enters. A second, separately named score (:meth:`LookalikeModel.stage_aware`) adds what the
customer's mail said later, up to its outcome (``stage_tags``: profile tags and the stages
reached before the first order or the loss): it ranks stored customers mid-journey better,
and cannot be asked of a pasted lead.

Each score is one :class:`~models._lookalike_scorer.Scorer`: the tags carried by at least
5 % of the training customers (and two; presence, not the tag's score), the principal
components (at most 32) of the embedding and a "no embedding" flag, standardised over the
training customers; an L2 logistic regression of won versus the rest that knows only some
outcomes are final (won customers positives, lost ones negatives, open leads unlabelled:
negatives with a quarter of the weight; won and the rest weigh the same in total), strongly
regularised for a few hundred labelled customers; its log-odds calibrated by Platt scaling
on the cross-validation's out-of-fold log-odds.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from models import _lookalike_fit as fit
from models._lookalike_io import FORMAT_VERSION as MODEL_FORMAT_VERSION
from models._lookalike_io import pack, unpack
from models._lookalike_scorer import Scorer, SharedTag, fit_scorer
from models._regions import region_of
from models.profiles import STAGES, MessageFacts, Profile, build_profile

__all__ = [
    "MIN_OTHER",
    "MIN_WON",
    "MODEL_FORMAT_VERSION",
    "CustomerFeatures",
    "LookalikeModel",
    "Outcome",
    "Score",
    "SharedTag",
    "StageAwareScore",
    "TooFewOutcomesError",
    "label_of",
    "load_model",
    "stage_aware_tags",
    "train",
]

Outcome = Literal["won", "lost", "open"]
MIN_WON = 5
MIN_OTHER = 5
STRONG = 0.6  # score from which a lead is labelled "strong"
MODERATE = 0.3  # score from which a lead is labelled "moderate" (below: "weak")

_CODES: Mapping[str, int] = {"won": fit.WON, "lost": fit.LOST, "open": fit.OPEN}
_FIRST, _STAGE = "", "stage_"  # array name prefixes of the two scorers in the payload


class TooFewOutcomesError(Exception):
    """Too few won (or other) customers to learn from; the message says how many are needed."""


@dataclass(frozen=True, slots=True)
class CustomerFeatures:
    """What the lookalike knows of a customer: the mean embedding (None without one) and the
    tags (tag id → score) of its first-contact mail (:mod:`models.first_contact`), and the
    tags its later mail added before its outcome (``stage_tags``, :func:`stage_aware_tags`;
    empty for a lead that exists only as texts)."""

    customer_id: str
    name: str
    embedding: NDArray[np.float32] | None
    tags: Mapping[str, float]
    stage_tags: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Score:
    """A first-contact lookalike score with its explanation (see
    :meth:`LookalikeModel.score`); the won customers nearest to the scored one are found in
    the store, not by the model."""

    score: float  # in [0, 1]
    percentile: float  # in [0, 100], among the open leads the model was trained with
    label: Literal["strong", "moderate", "weak"]
    shared_tags: tuple[SharedTag, ...]


@dataclass(frozen=True, slots=True)
class StageAwareScore:
    """The stage-aware score (see :meth:`LookalikeModel.stage_aware`) and its percentile."""

    score: float  # in [0, 1]
    percentile: float  # in [0, 100], among the open leads the model was trained with


def stage_aware_tags(
    messages: Sequence[MessageFacts],
    topic_names: Mapping[int, str],
    *,
    now: datetime,
    lost_after_days: int = 90,
    profile: Profile | None = None,
) -> dict[str, float]:
    """The tags of a customer's mail before its profile's ``cutoff`` (its first order or its
    loss: what the lead looked like before it was won or lost, so outcomes do not leak into
    the stage-aware score). ``profile`` is the profile of all ``messages`` when the caller
    has built it already.

    They are the tag scores of the profile of those messages, plus ``derived:region:<region>``
    of its country (a region teaches more than a country seen a few times),
    ``derived:valid_inquiry:yes|no`` of its first inquiry, and ``derived:stage:<stage>`` for
    each stage after ``inquiry`` reached before the cutoff (a quotation, samples)."""
    if profile is None:
        profile = build_profile(messages, topic_names, now=now, lost_after_days=lost_after_days)
    if profile.cutoff is not None:
        cutoff = profile.cutoff
        kept = [m for m in messages if m.sent_at < cutoff]
        profile = build_profile(kept, topic_names, now=now, lost_after_days=lost_after_days)
    tags = {tag.id: tag.score for tag in profile.tags}
    region = region_of(profile.country)
    if region is not None:
        tags[f"derived:region:{region}"] = 1.0
    if profile.stage.valid_inquiry is not None:
        valid = "yes" if profile.stage.valid_inquiry[0] else "no"
        tags[f"derived:valid_inquiry:{valid}"] = 1.0
    for stage in profile.stage.reached:
        if STAGES.index(stage) > STAGES.index("inquiry"):
            tags[f"derived:stage:{stage}"] = 1.0
    return tags


def label_of(score: float) -> Literal["strong", "moderate", "weak"]:
    """The label of a score: ``strong`` from :data:`STRONG`, ``moderate`` from
    :data:`MODERATE`, else ``weak``."""
    return "strong" if score >= STRONG else "moderate" if score >= MODERATE else "weak"


def _stage_view(features: CustomerFeatures) -> dict[str, float]:
    return {**features.tags, **features.stage_tags}


class LookalikeModel:
    """A trained scorer; ``version`` is new at every training. Made by :func:`train` or
    :func:`load_model`, never directly. ``cv_auc`` is the first-contact score's
    cross-validated ROC AUC, ``stage_aware_cv_auc`` the stage-aware one's."""

    version: str
    trained_at: datetime
    n_won: int
    n_lost: int
    n_open: int
    cv_auc: float | None
    stage_aware_cv_auc: float | None

    def __init__(self, header: Mapping[str, Any], arrays: Mapping[str, NDArray[Any]]) -> None:
        """The model of ``header`` and ``arrays`` as :meth:`to_bytes` lays them out."""
        self.version = str(header["version"])
        self.trained_at = datetime.fromisoformat(header["trained_at"])
        self.n_won = int(header["n_won"])
        self.n_lost = int(header["n_lost"])
        self.n_open = int(header["n_open"])
        self.cv_auc = None if header["cv_auc"] is None else float(header["cv_auc"])
        stage_auc = header["stage_aware_cv_auc"]
        self.stage_aware_cv_auc = None if stage_auc is None else float(stage_auc)
        self._header = dict(header)
        self._arrays = dict(arrays)
        self._first = Scorer.from_parts(header, arrays, _FIRST)
        self._stage = Scorer.from_parts(header, arrays, _STAGE)

    def score(self, features: CustomerFeatures) -> Score:
        """The first-contact score of one customer (in the store or not), explained.

        ``score`` is the model's probability of winning from ``features.tags`` and
        ``features.embedding``; ``label`` is ``strong`` from 0.6, ``moderate`` from 0.3,
        else ``weak``. ``shared_tags`` are the (at most 8) tags it carries whose
        coefficient raises its log-odds and that some won customer carries too, by that
        contribution (``weight``), largest first."""
        probability = float(self._first.probabilities([features.tags], [features.embedding])[0])
        return Score(
            score=probability,
            percentile=self._first.percentile(probability),
            label=label_of(probability),
            shared_tags=self._first.shared_tags(features.tags),
        )

    def score_many(self, features: Sequence[CustomerFeatures]) -> NDArray[np.float64]:
        """First-contact scores only, for many customers at once: the values :meth:`score`
        gives."""
        if not features:
            return np.zeros(0, dtype=np.float64)
        return self._first.probabilities(
            [f.tags for f in features], [f.embedding for f in features]
        )

    def percentile(self, score: float) -> float:
        """Where a first-contact ``score`` falls among the open leads' scores at training,
        0-100: the share of them scoring at most ``score`` (of every training customer when
        none was open), rounded to 2 places."""
        return self._first.percentile(score)

    def stage_aware(self, features: CustomerFeatures) -> StageAwareScore:
        """The stage-aware score of a stored customer: its probability of winning from its
        first-contact features and what its mail said later, before its outcome
        (``features.stage_tags``), and that score's percentile among the open leads."""
        probability = float(
            self._stage.probabilities([_stage_view(features)], [features.embedding])[0]
        )
        return StageAwareScore(probability, self._stage.percentile(probability))

    def to_bytes(self) -> bytes:
        """A self-contained serialisation (no pickle): :func:`load_model` reads it back."""
        return pack(self._header, self._arrays)


def load_model(data: bytes) -> LookalikeModel:
    """The model :meth:`LookalikeModel.to_bytes` wrote; ValueError when ``data`` is not one
    (or one of a format this version does not read)."""
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
    """Learn won versus the rest, twice (first contact, stage-aware): lost customers are
    negatives, open ones unlabelled. Raises :class:`TooFewOutcomesError` below ``min_won``
    won or ``min_other`` other customers. ``cv_auc`` / ``stage_aware_cv_auc`` are the
    cross-validated ROC AUCs (None when too few to split).

    Customers missing from ``outcomes`` are open; outcomes of customers not in ``features``
    are ignored. The AUCs are judged on won versus lost when at least 5 customers are lost,
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
        raise TooFewOutcomesError(
            f"need at least {max(min_won, 1)} won and {max(min_other, 1)} other customers "
            f"with outcomes; have {n_won} won and {n_other} other"
        )
    embeddings = [f.embedding for f in features]
    first, first_auc = fit_scorer([f.tags for f in features], embeddings, codes, seed)
    stage, stage_auc = fit_scorer([_stage_view(f) for f in features], embeddings, codes, seed)
    now = datetime.now(UTC)
    header: dict[str, Any] = {
        "version": f"lk-{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}",
        "trained_at": now.isoformat(),
        "n_won": n_won,
        "n_lost": int((codes == fit.LOST).sum()),
        "n_open": int((codes == fit.OPEN).sum()),
        "cv_auc": first_auc,
        "stage_aware_cv_auc": stage_auc,
    }
    arrays: dict[str, NDArray[Any]] = {}
    for scorer, prefix in ((first, _FIRST), (stage, _STAGE)):
        part_header, part_arrays = scorer.to_parts(prefix)
        header.update(part_header)
        arrays.update(part_arrays)
    return LookalikeModel(header, arrays)
