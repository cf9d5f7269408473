"""The README's receiver example (docs/webhook_receiver.py) accepts what leadlens signs and
refuses tampered or foreign bodies, as the reference implementation does."""

from __future__ import annotations

import importlib.util
import time
from types import ModuleType

import pytest

from app.webhooks.signing import headers, new_secret
from tests.conftest import REPO_ROOT


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "receiver", REPO_ROOT / "docs/webhook_receiver.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_receiver_verifies_our_signature() -> None:
    verify = _example().verify
    secret = new_secret()
    body = '{"data":{"changes":{},"customer":{"id":"cus_1"}},"type":"customer.created"}'
    signed = headers(secret, "msg_1", int(time.time()), body)
    assert verify(secret, signed, body.encode())["type"] == "customer.created"
    with pytest.raises(ValueError, match="signature"):
        verify(secret, signed, body.replace("cus_1", "cus_2").encode())
    with pytest.raises(ValueError, match="signature"):
        verify(new_secret(), signed, body.encode())
    old = headers(secret, "msg_1", int(time.time()) - 3600, body)
    with pytest.raises(ValueError, match="timestamp"):
        verify(secret, old, body.encode())
