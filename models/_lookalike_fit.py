"""Fitting the lookalike (SPEC §7): the feature encoder, the PU-weighted logistic regression
and its cross-validation. Private to :mod:`models.lookalike`."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

Floats = NDArray[np.float64]

WON, LOST, OPEN = 0, 1, 2  # outcome codes in the training arrays
OPEN_WEIGHT = 0.25  # open leads are unlabelled: negatives with a small weight (PU learning)
# Inverse L2 strength on standardised features, the loss averaging one per customer: strong,
# since a store has a few hundred labelled customers whose outcomes are noisy (deals are won
# and lost for reasons no mail shows); the calibration restores the scale of the log-odds.
C = 0.003
MAX_COMPONENTS = 32
MIN_TAG_CUSTOMERS = 2
# A tag becomes a feature only when at least this share of the training customers carry
# it: rarer tags (a topic of a handful of customers) only add noise to the ranking.
MIN_TAG_SHARE = 0.05
MIN_LOST_FOR_LOST_AUC = 5
MAX_FOLDS = 5
NEWTON_STEPS = 50


def stack_embeddings(
    embeddings: Sequence[NDArray[np.float32] | None], dim: int | None
) -> tuple[Floats, NDArray[np.bool_], int]:
    """The embeddings as one ``(n, dim)`` float64 matrix (zero rows where missing or not
    finite), which rows have one, and ``dim`` (taken from the first embedding when None; 0
    without any). Raises ValueError when an embedding is not a vector of that size."""
    if dim is None:
        dim = next((int(e.shape[-1]) for e in embeddings if e is not None), 0)
    matrix = np.zeros((len(embeddings), dim), dtype=np.float64)
    present = np.zeros(len(embeddings), dtype=np.bool_)
    for row, emb in enumerate(embeddings):
        if emb is None:
            continue
        if emb.shape != (dim,):
            raise ValueError(f"embedding of shape {emb.shape}; the model expects ({dim},)")
        if np.all(np.isfinite(emb)):
            matrix[row] = emb
            present[row] = True
    return matrix, present, dim


class Encoder:
    """Customer → standardised feature row: which of ``tag_ids`` it carries (1 when the
    tag's score is above 0: presence ranks better than the scores themselves), the embedding's
    principal components (zeros without one), and a "no embedding" flag."""

    def __init__(
        self,
        tag_ids: Sequence[str],
        emb_dim: int,
        emb_mean: Floats,
        components: Floats,
        center: Floats,
        scale: Floats,
    ) -> None:
        self.tag_ids = tuple(tag_ids)
        self.emb_dim = emb_dim
        self.emb_mean = emb_mean
        self.components = components
        self.center = center
        self.scale = scale
        self._index = {tag: i for i, tag in enumerate(self.tag_ids)}

    @property
    def width(self) -> int:
        """How many features a row has."""
        return len(self.tag_ids) + int(self.components.shape[0]) + 1

    def check(self) -> None:
        """Raise ValueError unless the arrays' shapes agree with one another."""
        n_comp = self.components.shape[0] if self.components.ndim == 2 else -1
        if (
            self.emb_mean.shape != (self.emb_dim,)
            or self.components.shape != (n_comp, self.emb_dim)
            or self.center.shape != (self.width,)
            or self.scale.shape != (self.width,)
        ):
            raise ValueError("the encoder's arrays do not fit together")

    def column(self, tag: str) -> int | None:
        """The column of tag id ``tag``; None when it is not a feature."""
        return self._index.get(tag)

    def unscaled(
        self, tags: Sequence[Mapping[str, float]], emb: Floats, present: NDArray[np.bool_]
    ) -> Floats:
        """Rows before standardisation; ``emb``/``present`` as :func:`stack_embeddings` gives.
        Tags that are not features, and scores that are not finite or not above 0, count
        for nothing."""
        n_tags, n_comp = len(self.tag_ids), self.components.shape[0]
        rows = np.zeros((len(tags), self.width), dtype=np.float64)
        for row, carried in enumerate(tags):
            for tag, value in carried.items():
                col = self._index.get(tag)
                if col is not None and math.isfinite(value) and value > 0:
                    rows[row, col] = 1.0
        if n_comp and present.any():
            projected = (emb[present] - self.emb_mean) @ self.components.T
            rows[np.flatnonzero(present), n_tags : n_tags + n_comp] = projected
        rows[:, -1] = ~present
        return rows

    def encode(
        self, tags: Sequence[Mapping[str, float]], emb: Floats, present: NDArray[np.bool_]
    ) -> Floats:
        """Standardised rows, as the classifier and the neighbour search see them."""
        return (self.unscaled(tags, emb, present) - self.center) / self.scale


def fit_encoder(
    tags: Sequence[Mapping[str, float]], emb: Floats, present: NDArray[np.bool_]
) -> Encoder:
    """The encoder of these training customers: tag ids carried (score > 0) by at least
    ``MIN_TAG_CUSTOMERS`` of them and at least ``MIN_TAG_SHARE`` of them, a PCA
    (≤ ``MAX_COMPONENTS``) of their embeddings, every feature centred over them, and
    scaled: tags and the flag to unit variance, the components by one factor that gives
    them unit variance on average (not whitened, so the L2 penalty shrinks the minor
    components most)."""
    counts = Counter(
        tag
        for carried in tags
        for tag, value in carried.items()
        if math.isfinite(value) and value > 0
    )
    least = max(MIN_TAG_CUSTOMERS, math.ceil(MIN_TAG_SHARE * len(tags)))
    tag_ids = sorted(tag for tag, n in counts.items() if n >= least)
    dim = emb.shape[1]
    with_emb = emb[present]
    n_comp = min(MAX_COMPONENTS, with_emb.shape[0] - 1, dim)
    emb_mean = with_emb.mean(axis=0) if n_comp > 0 else np.zeros(dim, dtype=np.float64)
    components = np.zeros((max(n_comp, 0), dim), dtype=np.float64)
    if n_comp > 0:
        centred = with_emb - emb_mean
        _, vectors = np.linalg.eigh(centred.T @ centred)
        components = vectors[:, ::-1][:, :n_comp].T.copy()
        flip = np.sign(components[np.arange(n_comp), np.abs(components).argmax(axis=1)])
        components *= np.where(flip == 0, 1.0, flip)[:, None]
    draft = Encoder(
        tag_ids, dim, emb_mean, components, np.zeros(0, np.float64), np.ones(0, np.float64)
    )
    rows = draft.unscaled(tags, emb, present)
    center = rows.mean(axis=0)
    spread = rows.std(axis=0)
    block = slice(len(tag_ids), len(tag_ids) + max(n_comp, 0))
    if n_comp > 0:
        spread[block] = np.sqrt(np.mean(spread[block] ** 2))
    scale = np.where(spread > 1e-9, spread, 1.0)
    return Encoder(tag_ids, dim, emb_mean, components, center, scale)


def sample_weights(codes: NDArray[np.int8]) -> Floats:
    """Won weighs as much in total as lost and open together (open counting
    ``OPEN_WEIGHT`` each); weights average 1 so ``C`` means the same at any size."""
    weights = np.where(codes == OPEN, OPEN_WEIGHT, 1.0)
    won = codes == WON
    weights[won] *= weights[~won].sum() / weights[won].sum()
    return np.asarray(weights * (len(weights) / weights.sum()), dtype=np.float64)


def weighted_logit(
    rows: Floats, positive: NDArray[np.bool_], weights: Floats, inverse_l2: float
) -> tuple[Floats, float]:
    """Coefficients and intercept minimising ``inverse_l2`` × the weighted log-loss plus half
    the squared norm of the coefficients (the intercept is not penalised), by damped Newton
    steps: exact to machine precision, deterministic, and fast for a few hundred features."""
    design = np.hstack([rows, np.ones((rows.shape[0], 1))])
    target = positive.astype(np.float64)
    ridge = np.ones(design.shape[1])
    ridge[-1] = 0.0
    beta = np.zeros(design.shape[1])

    def objective(candidate: Floats) -> float:
        z = design @ candidate
        loss = float(weights @ (np.logaddexp(0.0, z) - target * z))
        return inverse_l2 * loss + 0.5 * float(ridge @ candidate**2)

    current = objective(beta)
    for _ in range(NEWTON_STEPS):
        p = probabilities(design @ beta)
        gradient = inverse_l2 * design.T @ (weights * (p - target)) + ridge * beta
        curvature = inverse_l2 * (design.T * (weights * p * (1.0 - p))) @ design
        step = np.linalg.solve(curvature + np.diag(ridge) + 1e-12 * np.eye(len(beta)), gradient)
        decrease = float(gradient @ step)
        if decrease < 1e-12:
            break
        length = 1.0
        while length > 1e-6:
            trial = beta - length * step
            value = objective(trial)
            if value <= current - 1e-4 * length * decrease:
                beta, current = trial, value
                break
            length /= 2.0
        else:
            break
    return np.asarray(beta[:-1], dtype=np.float64), float(beta[-1])


def fit_logit(rows: Floats, codes: NDArray[np.int8]) -> tuple[Floats, float]:
    """Coefficients and intercept of the L2 logistic regression of won versus the rest."""
    return weighted_logit(rows, codes == WON, sample_weights(codes), C)


def logits(rows: Floats, coef: Floats, intercept: float) -> Floats:
    """The classifier's log-odds of winning for standardised rows."""
    return np.asarray(rows @ coef + intercept, dtype=np.float64)


def probabilities(values: Floats) -> Floats:
    """Log-odds → probabilities, without overflow."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * values)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """The cross-validated ROC AUC (None when too few to split) and every customer's
    out-of-fold log-odds (None likewise)."""

    auc: float | None
    logits: Floats | None


def cross_validate(
    tags: Sequence[Mapping[str, float]],
    emb: Floats,
    present: NDArray[np.bool_],
    codes: NDArray[np.int8],
    seed: int,
) -> CrossValidation:
    """Stratified folds (at most ``MAX_FOLDS``), each refitting the encoder and classifier
    on the others. The AUC is the mean over folds, judged on won versus lost when at least
    ``MIN_LOST_FOR_LOST_AUC`` are lost, otherwise on won versus lost and open. Nothing when a
    fold cannot hold two of each judged class."""
    judged = codes != OPEN if (codes == LOST).sum() >= MIN_LOST_FOR_LOST_AUC else codes >= 0
    n_pos = int((codes == WON).sum())
    n_neg = int((judged & (codes != WON)).sum())
    folds = min(MAX_FOLDS, n_pos // 2, n_neg // 2)
    if folds < 2:
        return CrossValidation(None, None)
    strata = codes.copy()
    for code in (LOST, OPEN):
        if 0 < (strata == code).sum() < folds:
            strata[strata == code] = OPEN if code == LOST else LOST
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    aucs: list[float] = []
    out_of_fold = np.zeros(len(codes), dtype=np.float64)
    for train_rows, test_rows in splitter.split(np.zeros(len(codes)), strata):
        train_tags = [tags[i] for i in train_rows]
        encoder = fit_encoder(train_tags, emb[train_rows], present[train_rows])
        coef, intercept = fit_logit(
            encoder.encode(train_tags, emb[train_rows], present[train_rows]), codes[train_rows]
        )
        test = encoder.encode([tags[i] for i in test_rows], emb[test_rows], present[test_rows])
        out_of_fold[test_rows] = logits(test, coef, intercept)
        scored = judged[test_rows]
        truth = codes[test_rows][scored] == WON
        aucs.append(float(roc_auc_score(truth, out_of_fold[test_rows][scored])))
    return CrossValidation(round(float(np.mean(aucs)), 4), out_of_fold)


def calibration(out_of_fold: Floats | None, codes: NDArray[np.int8]) -> tuple[float, float]:
    """Slope and offset that map the classifier's log-odds to calibrated ones (Platt scaling
    on the out-of-fold log-odds, weighted as in training); (1, 0) without out-of-fold
    log-odds or when they do not rank won customers higher."""
    if out_of_fold is None:
        return 1.0, 0.0
    coef, offset = weighted_logit(out_of_fold[:, None], codes == WON, sample_weights(codes), 1e4)
    slope = float(coef[0])
    return (slope, offset) if slope > 0 else (1.0, 0.0)
