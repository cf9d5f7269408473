"""Pure parts: choosing the folders from a LIST answer, ImapConfig, error translation."""

from __future__ import annotations

import socket
import ssl

import pytest
from imapclient.exceptions import LoginError

from ingest.imap import (
    ImapAuthError,
    ImapConfig,
    ImapProtocolError,
    ImapUnreachableError,
)
from ingest.imap.errors import translate_errors
from ingest.imap.folders import ListedFolder, choose_sync_folders


def listed(name: str, *attributes: str) -> ListedFolder:
    return ListedFolder(name, frozenset(a.lower() for a in attributes))


def test_special_use_sent_wins_over_common_names() -> None:
    listing = [listed("INBOX"), listed("Sent"), listed("Gesendet", "\\Sent")]
    assert choose_sync_folders(listing, None) == ["INBOX", "Gesendet"]


def test_common_name_is_used_only_without_special_use() -> None:
    listing = [listed("INBOX"), listed("[Gmail]", "\\Noselect"), listed("[gmail]/sent mail")]
    assert choose_sync_folders(listing, None) == ["INBOX", "[gmail]/sent mail"]


def test_unselectable_sent_folder_is_not_replaced_by_a_guess() -> None:
    listing = [listed("INBOX"), listed("Sent"), listed("Outbox", "\\Sent", "\\Noselect")]
    assert choose_sync_folders(listing, None) == ["INBOX"]


def test_no_sent_folder_means_inbox_alone() -> None:
    assert choose_sync_folders([listed("INBOX"), listed("Archive")], None) == ["INBOX"]


def test_requested_folders_keep_order_and_inbox_is_case_blind() -> None:
    listing = [listed("INBOX"), listed("Sent"), listed("Deals")]
    assert choose_sync_folders(listing, ["Deals", "inbox", "Deals", "INBOX"]) == ["Deals", "INBOX"]


def test_missing_requested_folders_are_named() -> None:
    listing = [listed("INBOX"), listed("Parent", "\\Noselect")]
    with pytest.raises(ImapProtocolError, match="'Nope', 'Parent'"):
        choose_sync_folders(listing, ["INBOX", "Nope", "Parent"])


def test_config_repr_hides_secrets() -> None:
    password = ImapConfig("h", 993, "u", password="hunter2-secret")
    token = ImapConfig("h", 993, "u", oauth2_token="ya29.token-secret")
    assert "hunter2-secret" not in repr(password)
    assert "auth='password'" in repr(password)
    assert "ya29.token-secret" not in repr(token)
    assert "auth='oauth2'" in str(token)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"password": "p", "oauth2_token": "t"}, "exactly one"),
        ({}, "exactly one"),
        ({"password": "p", "security": "ssl"}, "security"),
        ({"password": "p", "port": 0}, "port"),
        ({"password": "p", "timeout": 0}, "timeout"),
    ],
)
def test_config_rejects_impossible_settings(kwargs: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {"host": "h", "port": 993, "username": "u", **kwargs}
    with pytest.raises(ValueError, match=message):
        ImapConfig(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raised", "connecting", "expected"),
    [
        (LoginError("NO [AUTHENTICATIONFAILED] bad s3cret"), False, ImapAuthError),
        (TimeoutError("timed out"), False, ImapUnreachableError),
        (ConnectionRefusedError(111, "refused"), True, ImapUnreachableError),
        (socket.gaierror(-2, "Name or service not known"), True, ImapUnreachableError),
        (ssl.SSLCertVerificationError("certificate verify failed"), True, ImapUnreachableError),
        (ssl.SSLEOFError("EOF"), False, ImapProtocolError),
        (ConnectionResetError(104, "reset"), False, ImapProtocolError),
        (ValueError("unparsable response"), False, ImapProtocolError),
    ],
)
def test_library_errors_become_imap_errors(
    raised: Exception, connecting: bool, expected: type[Exception]
) -> None:
    with (
        pytest.raises(expected) as info,
        translate_errors("act", connecting=connecting, secrets=["s3cret", None]),
    ):
        raise raised
    assert str(info.value).startswith("act: ")
    assert "s3cret" not in str(info.value)


def test_auth_errors_do_not_chain_the_library_exception() -> None:
    with pytest.raises(ImapAuthError) as info, translate_errors("login", secrets=["pw"]):
        raise LoginError("NO pw rejected")
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert str(info.value) == "login: the server refused the login (NO *** rejected)"
