"""The OpenAI-compatible embedder against a real /v1/embeddings server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bastion.memory.embeddings.base import EmbeddingError
from bastion.providers.embeddings_openai import OpenAICompatibleEmbedder


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict[str, object]] = []  # noqa: RUF012 - shared by the test's server only

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        if body["model"] == "missing":
            self._send(404, {"error": {"message": "model not found", "type": "invalid"}})
            return
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), 0.0, 3.0]}
            for i, text in enumerate(body["input"])
        ]
        data.reverse()  # servers may answer out of order; the index says which is which
        self._send(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )

    def _send(self, status: int, payload: object) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_embeds_in_order_normalised_and_learns_the_dimension(server_url: str) -> None:
    embedder = OpenAICompatibleEmbedder("nomic-embed-text", base_url=server_url, max_retries=0)
    vectors = embedder.embed(["abcd", "a"])
    assert vectors[0] == pytest.approx([0.8, 0.0, 0.6])
    assert vectors[1] == pytest.approx([1 / 10**0.5, 0.0, 3 / 10**0.5])
    assert embedder.dimension == 3
    assert "nomic-embed-text" in embedder.model_name
    assert _Handler.requests[0]["path"] == "/v1/embeddings"


def test_server_errors_become_embedding_errors(server_url: str) -> None:
    embedder = OpenAICompatibleEmbedder("missing", base_url=server_url, max_retries=0)
    with pytest.raises(EmbeddingError, match="embedding request"):
        embedder.embed(["x"])
