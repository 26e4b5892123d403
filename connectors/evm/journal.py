"""Which client id became which signed transaction: written before broadcast, read to reconcile."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class SentTx:
    client_id: str
    tx_hash: str
    nonce: int
    raw: str  # the signed bytes (public once broadcast; never the key)
    settled: bool | None = None  # None: outcome unknown; True mined ok; False reverted


class Journal:
    """In memory, and appended to a JSON-lines file when `path` is given (survives a crash)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._by_client: dict[str, SentTx] = {}
        if path is not None and path.is_file():
            for line in path.read_text().splitlines():
                if line.strip():
                    doc = json.loads(line)
                    if doc.get("forget"):
                        self._by_client.pop(doc["client_id"], None)
                    else:
                        self._by_client[doc["client_id"]] = SentTx(**doc)

    def _append(self, doc: dict[str, object]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps(doc) + "\n")
            handle.flush()

    def record(self, sent: SentTx) -> None:
        self._by_client[sent.client_id] = sent
        self._append(asdict(sent))

    def settle(self, client_id: str, ok: bool) -> None:
        sent = self._by_client.get(client_id)
        if sent is not None and sent.settled is None:
            self.record(SentTx(sent.client_id, sent.tx_hash, sent.nonce, sent.raw, ok))

    def forget(self, client_id: str) -> None:
        if self._by_client.pop(client_id, None) is not None:
            self._append({"client_id": client_id, "forget": True})

    def get(self, client_id: str) -> SentTx | None:
        return self._by_client.get(client_id)
