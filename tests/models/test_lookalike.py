"""The won-customer lookalike on a synthetic population where winning depends on one trait
tag and one embedding direction, with noise, and later mail shows a tag winners carry more
often; embeddings are random unit vectors (the sentence model is not what is tested here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from models.lookalike import (
    CustomerFeatures,
    LookalikeModel,
    Outcome,
    TooFewOutcomesError,
    load_model,
    stage_aware_tags,
    train,
)
from models.profiles import MessageFacts
from models.traits import TraitHit

DIM = 64
WIN_TAG = "trait:customer_type:distributor"
NOISE_TAGS = (
    *(f"topic:{i}" for i in range(12)),
    *(f"trait:country:{c}" for c in ("DE", "FR", "US", "CN", "BR", "IN", "ES", "PL")),
)
LATER_TAG = "derived:stage:sample"
WIN_DIRECTION = np.random.default_rng(1234).normal(size=DIM)
WIN_DIRECTION /= np.linalg.norm(WIN_DIRECTION)


@dataclass(frozen=True)
class Population:
    """Customers, their observed outcomes, and whether each is truly a winner."""

    features: list[CustomerFeatures]
    outcomes: dict[str, Outcome]


def _unit(vector: NDArray[np.float64]) -> NDArray[np.float32]:
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def population(size: int, seed: int, *, first_id: int = 0) -> Population:
    """35 % carry the winning tag; embeddings lean along the winning direction by a latent
    amount; 10 % have no embedding; winners are 70 % won and 30 % still open, the others
    half lost and half open. Later mail (``stage_tags``) shows 80 % of the winners and 20 %
    of the others with :data:`LATER_TAG`."""
    rng = np.random.default_rng(seed)
    features: list[CustomerFeatures] = []
    outcomes: dict[str, Outcome] = {}
    for k in range(first_id, first_id + size):
        carries = bool(rng.random() < 0.35)
        tags = {NOISE_TAGS[i]: float(rng.uniform(0.2, 1.0)) for i in rng.choice(20, 3, False)}
        if carries:
            tags[WIN_TAG] = float(rng.uniform(0.5, 1.0))
        lean = float(rng.normal())
        noise = rng.normal(size=DIM) / np.sqrt(DIM)
        embedding = _unit(0.5 * lean * WIN_DIRECTION + noise) if rng.random() > 0.1 else None
        winner = 1.6 * carries + 1.2 * lean + rng.normal() - 1.5 > 0
        draw = rng.random()
        cid = f"c{k:05d}"
        if winner:
            outcomes[cid] = "won" if draw < 0.7 else "open"
        else:
            outcomes[cid] = "lost" if draw < 0.5 else "open"
        later = {LATER_TAG: 1.0} if rng.random() < (0.8 if winner else 0.2) else {}
        features.append(CustomerFeatures(cid, f"Customer {k}", embedding, tags, later))
    return Population(features, outcomes)


@pytest.fixture(scope="module")
def training() -> Population:
    return population(600, seed=1)


@pytest.fixture(scope="module")
def model(training: Population) -> LookalikeModel:
    return train(training.features, training.outcomes, seed=7)


@pytest.fixture(scope="module")
def held_out() -> Population:
    return population(1000, seed=2, first_id=50_000)


def test_learns_won_from_a_tag_and_an_embedding_direction(
    model: LookalikeModel, training: Population, held_out: Population
) -> None:
    counts = {o: list(training.outcomes.values()).count(o) for o in ("won", "lost", "open")}
    assert (model.n_won, model.n_lost, model.n_open) == (
        counts["won"],
        counts["lost"],
        counts["open"],
    )
    assert model.cv_auc is not None
    assert model.cv_auc > 0.75
    judged = [f for f in held_out.features if held_out.outcomes[f.customer_id] != "open"]
    truth = [held_out.outcomes[f.customer_id] == "won" for f in judged]
    assert roc_auc_score(truth, model.score_many(judged)) > 0.75
    assert model.version.startswith("lk-")
    assert model.trained_at.tzinfo is not None
    assert model.trained_at.utcoffset() == timedelta(0)


def test_without_lost_customers_open_leads_are_the_negatives(training: Population) -> None:
    outcomes: dict[str, Outcome] = {
        cid: "won" if o == "won" else "open" for cid, o in training.outcomes.items()
    }
    unlabelled = train(training.features, outcomes, seed=7)
    assert unlabelled.n_lost == 0
    assert unlabelled.cv_auc is not None
    assert unlabelled.cv_auc > 0.7


def test_refuses_to_learn_from_too_few_outcomes(training: Population) -> None:
    outcomes: dict[str, Outcome] = {f.customer_id: "lost" for f in training.features[:40]}
    for f in training.features[40:43]:
        outcomes[f.customer_id] = "won"
    features = training.features[:43]
    with pytest.raises(TooFewOutcomesError, match="have 3 won and 40 other"):
        train(features, outcomes)
    few_others = {f.customer_id: "won" for f in features[:10]} | {features[10].customer_id: "lost"}
    with pytest.raises(TooFewOutcomesError, match="need at least 5 won and 5 other"):
        train(features[:11], few_others)
    with pytest.raises(ValueError, match="unknown outcomes"):
        train(features, {**outcomes, features[0].customer_id: "maybe"})  # type: ignore[dict-item]


def test_too_few_to_cross_validate_still_trains(training: Population) -> None:
    features = training.features[:30]
    outcomes: dict[str, Outcome] = {f.customer_id: "lost" for f in features}
    for f in features[:3]:
        outcomes[f.customer_id] = "won"
    small = train(features, outcomes, min_won=2)
    assert small.cv_auc is None
    assert small.n_won == 3
    assert 0.0 <= small.score(training.features[100]).score <= 1.0


def test_scores_are_probabilities_with_percentiles_and_labels(
    model: LookalikeModel, held_out: Population
) -> None:
    many = model.score_many(held_out.features[:200])
    for f, expected in zip(held_out.features[:200], many, strict=True):
        result = model.score(f)
        assert 0.0 <= result.score <= 1.0
        assert result.score == pytest.approx(expected, abs=1e-12)
        assert 0.0 <= result.percentile <= 100.0
        assert result.percentile == model.percentile(result.score)
        wanted = "strong" if result.score >= 0.6 else "moderate" if result.score >= 0.3 else "weak"
        assert result.label == wanted
    assert {model.score(f).label for f in held_out.features[:200]} == {"strong", "moderate", "weak"}
    assert model.percentile(0.0) == 0.0
    assert model.percentile(1.0) == 100.0
    assert model.percentile(0.2) <= model.percentile(0.5) <= model.percentile(0.8)
    assert model.score_many([]).shape == (0,)


def test_the_winning_tag_raises_the_score_and_is_shared(model: LookalikeModel) -> None:
    embedding = _unit(np.random.default_rng(5).normal(size=DIM))
    plain = CustomerFeatures("x1", "Plain", embedding, {"topic:1": 0.8, "trait:country:DE": 0.9})
    carrying = CustomerFeatures("x2", "Carrying", embedding, {**plain.tags, WIN_TAG: 0.9})
    without, with_tag = model.score(plain), model.score(carrying)
    assert with_tag.score > without.score + 0.05
    assert WIN_TAG not in {t.id for t in without.shared_tags}
    shared = {t.id: t for t in with_tag.shared_tags}
    assert WIN_TAG in shared
    assert with_tag.shared_tags[0].id == WIN_TAG
    assert 0.5 < shared[WIN_TAG].won_share <= 1.0
    assert shared[WIN_TAG].weight > 0


def test_shared_tags_are_carried_and_ordered(model: LookalikeModel, held_out: Population) -> None:
    seen = 0
    for f in held_out.features[:300]:
        tags = model.score(f).shared_tags
        seen += len(tags)
        assert len(tags) <= 8
        assert all(f.tags.get(t.id, 0.0) > 0 for t in tags)
        assert all(t.weight > 0 and 0 < t.won_share <= 1 for t in tags)
        assert [t.weight for t in tags] == sorted((t.weight for t in tags), reverse=True)
    assert seen > 100


def test_customers_without_embedding_or_with_unseen_tags(model: LookalikeModel) -> None:
    no_embedding = CustomerFeatures("y1", "No mail embedded", None, {WIN_TAG: 0.9})
    result = model.score(no_embedding)
    assert 0.0 <= result.score <= 1.0
    texts_only = CustomerFeatures("y2", "Texts", None, {"topic:999": 1.0, "trait:country:ZZ": 0.7})
    empty = CustomerFeatures("y3", "Nothing", None, {})
    assert model.score(texts_only).score == model.score(empty).score
    assert model.score(texts_only).shared_tags == ()
    not_finite = CustomerFeatures("y5", "NaN", np.full(DIM, np.nan, dtype=np.float32), {})
    assert model.score(not_finite).score == model.score(empty).score
    wrong_size = CustomerFeatures("y4", "Wrong", np.ones(DIM + 1, dtype=np.float32), {})
    with pytest.raises(ValueError, match="shape"):
        model.score(wrong_size)


def test_round_trip_through_bytes(model: LookalikeModel, held_out: Population) -> None:
    loaded = load_model(model.to_bytes())
    assert (loaded.version, loaded.trained_at, loaded.cv_auc) == (
        model.version,
        model.trained_at,
        model.cv_auc,
    )
    assert (loaded.n_won, loaded.n_lost, loaded.n_open) == (model.n_won, model.n_lost, model.n_open)
    np.testing.assert_array_equal(
        loaded.score_many(held_out.features), model.score_many(held_out.features)
    )
    assert loaded.stage_aware_cv_auc == model.stage_aware_cv_auc
    for f in held_out.features[:20]:
        assert loaded.score(f) == model.score(f)
        assert loaded.stage_aware(f) == model.stage_aware(f)
    for broken in (b"not a model", model.to_bytes()[:200]):
        with pytest.raises(ValueError, match="not a lookalike model"):
            load_model(broken)


def test_same_inputs_and_seed_give_the_same_model(
    model: LookalikeModel, training: Population, held_out: Population
) -> None:
    again = train(training.features, training.outcomes, seed=7)
    assert again.version != model.version
    assert (again.cv_auc, again.stage_aware_cv_auc) == (model.cv_auc, model.stage_aware_cv_auc)
    np.testing.assert_array_equal(
        again.score_many(held_out.features), model.score_many(held_out.features)
    )


def _message(
    mid: str,
    day: int,
    direction: str,
    intent: str,
    topic: int,
    traits: tuple[TraitHit, ...] = (),
    text: str | None = None,
) -> MessageFacts:
    return MessageFacts(
        id=mid,
        sent_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=day),
        direction="inbound" if direction == "inbound" else "outbound",
        thread_id="t1",
        subject=f"subject {mid}",
        text=text or f"text of {mid}",
        intent=intent,
        valid_inquiry=None,
        language="en",
        topic_id=topic,
        topic_confidence=0.9,
        traits=traits,
    )


def test_stage_aware_tags_stop_at_the_outcome() -> None:
    inquiry = _message(
        "m1",
        0,
        "inbound",
        "inquiry",
        1,
        (TraitHit("customer_type", "distributor", 0.9, "we distribute"),),
    )
    quotation = _message(
        "m2",
        3,
        "outbound",
        "quotation",
        1,
        (),
        "Please find our quotation attached, valid 30 days.",
    )
    order = _message(
        "m3",
        30,
        "inbound",
        "purchase_order",
        2,
        (TraitHit("payment_terms", "lc", 0.9, "by L/C"),),
        "Please find attached our purchase order 4711, payment by L/C.",
    )
    later = _message("m4", 40, "inbound", "other", 2)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    names = {1: "led panels", 2: "shipping"}

    won = stage_aware_tags([later, order, quotation, inquiry], names, now=now)
    assert won.keys() == {
        "topic:1",
        "trait:customer_type:distributor",
        "trait:language:en",
        "derived:stage:quotation",
    }
    still_open = stage_aware_tags([later, quotation, inquiry], names, now=now)
    assert {"topic:2", "derived:stage:quotation"} <= still_open.keys()
    assert "trait:payment_terms:lc" not in still_open
    assert stage_aware_tags([inquiry], names, now=now).keys() == {
        "topic:1",
        "trait:customer_type:distributor",
        "trait:language:en",
    }


def test_the_stage_aware_score_reads_later_tags_the_first_contact_score_does_not(
    model: LookalikeModel, held_out: Population
) -> None:
    assert model.stage_aware_cv_auc is not None
    assert model.stage_aware_cv_auc > (model.cv_auc or 0.0)
    judged = [f for f in held_out.features if held_out.outcomes[f.customer_id] != "open"]
    truth = [held_out.outcomes[f.customer_id] == "won" for f in judged]
    stage_scores = [model.stage_aware(f).score for f in judged]
    assert roc_auc_score(truth, stage_scores) > roc_auc_score(truth, model.score_many(judged))
    f = held_out.features[0]
    plain = CustomerFeatures(f.customer_id, f.name, f.embedding, f.tags, {})
    later = CustomerFeatures(f.customer_id, f.name, f.embedding, f.tags, {LATER_TAG: 1.0})
    assert model.score(later) == model.score(plain)
    assert model.stage_aware(later).score > model.stage_aware(plain).score + 0.05
    for features in held_out.features[:50]:
        stage = model.stage_aware(features)
        assert 0.0 <= stage.score <= 1.0
        assert 0.0 <= stage.percentile <= 100.0
