"""The soak's mail on dovecot: the demo generator's mailboxes, one account per rep (inbound
mail in INBOX, the rep's own in Sent), appended in chronological waves, and folders
given a new UIDVALIDITY."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from app.demo import DemoCorpus
from tests.servers.dovecot import Account, DovecotServer

FOLDERS = ("INBOX", "Sent")
_HEADERS = BytesHeaderParser()

Position = tuple[int, int]
"""(UIDVALIDITY, highest UID) of a folder: where a complete sync of it stands."""


def split_by_folder(corpus: DemoCorpus, rep: str) -> dict[str, list[bytes]]:
    """A rep's mail by folder: what the rep sent in Sent, the rest in INBOX, oldest first."""
    folders: dict[str, list[bytes]] = {folder: [] for folder in FOLDERS}
    for raw in corpus.mail[rep]:
        sender = parseaddr(str(_HEADERS.parsebytes(raw)["From"]))[1]
        folders["Sent" if sender == rep else "INBOX"].append(raw)
    return folders


def seed_accounts(server: DovecotServer, corpus: DemoCorpus) -> list[Account]:
    """One new account per rep holding all of that rep's mail; the accounts, in rep order."""
    accounts = []
    for rep in corpus.reps:
        account = server.new_account()
        for folder, mail in split_by_folder(corpus, rep).items():
            server.append(account.username, folder, mail)
        accounts.append(account)
    return accounts


@dataclass
class Waves:
    """The corpus on ``server`` in ``count`` waves: one account per rep, each wave the next
    slice (in time) of every rep's INBOX and Sent. Nothing is on the server until
    :meth:`append_next`."""

    server: DovecotServer
    corpus: DemoCorpus
    count: int
    accounts: list[Account] = field(init=False)
    appended: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.accounts = [self.server.new_account() for _ in self.corpus.reps]
        self._slices = {
            account.username: split_by_folder(self.corpus, rep)
            for account, rep in zip(self.accounts, self.corpus.reps, strict=True)
        }

    @property
    def left(self) -> int:
        """Waves not appended yet."""
        return self.count - self.appended

    def append_next(self) -> int:
        """Append the next wave to every account's folders; how many messages it held."""
        wave, self.appended = self.appended, self.appended + 1
        added = 0
        for user, folders in self._slices.items():
            for folder, mail in folders.items():
                start, stop = (len(mail) * n // self.count for n in (wave, wave + 1))
                self.server.append(user, folder, mail[start:stop])
                added += stop - start
        return added

    def reset_uidvalidity(self, user: str, folder: str) -> Position:
        """Give ``folder`` of ``user`` a new UIDVALIDITY (same messages, same UIDs), so that
        a sync must read it all again; its new position."""
        validity = self.server.reset_uidvalidity(user, folder)
        with self.server.client(user) as client:
            status = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
        assert int(status[b"UIDVALIDITY"]) == validity, f"{folder} of {user}: {status}"
        return validity, int(status[b"UIDNEXT"]) - 1

    def fullest(self) -> tuple[str, str]:
        """The (user, folder) with the highest UID: the most messages (none is expunged), the
        longest to read again."""
        positions = self.positions()
        return max(positions, key=lambda folder: positions[folder][1])

    def positions(self) -> dict[tuple[str, str], Position]:
        """Each (user, folder): its UIDVALIDITY and highest UID (0 when empty) now."""
        found = {}
        for account in self.accounts:
            with self.server.client(account.username) as client:
                for folder in FOLDERS:
                    status = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
                    found[(account.username, folder)] = (
                        int(status[b"UIDVALIDITY"]),
                        int(status[b"UIDNEXT"]) - 1,
                    )
        return found
