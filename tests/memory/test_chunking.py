"""Chunking by words with overlap."""

from __future__ import annotations

import itertools

import pytest

from bastion.contracts.errors import ConfigError
from bastion.memory.chunking import ChunkingConfig, chunk_text


def _words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def test_defaults_are_800_words_with_15_percent_overlap() -> None:
    config = ChunkingConfig()
    assert (config.words, config.overlap_words, config.step) == (800, 120, 680)


def test_consecutive_chunks_share_exactly_the_overlap() -> None:
    chunks = chunk_text(_words(250), ChunkingConfig(words=100, overlap=0.2))
    assert [(c.start_word, c.end_word) for c in chunks] == [(0, 100), (80, 180), (160, 250)]
    for first, second in itertools.pairwise(chunks):
        assert first.text.split()[-20:] == second.text.split()[:20]
    assert [c.index for c in chunks] == [0, 1, 2]


def test_every_word_is_in_some_chunk() -> None:
    text = _words(1234)
    chunks = chunk_text(text, ChunkingConfig(words=97, overlap=0.1))
    covered = {w for c in chunks for w in c.text.split()}
    assert covered == set(text.split())


def test_short_and_blank_texts() -> None:
    assert chunk_text("", ChunkingConfig()) == []
    assert chunk_text(" \n\t ", ChunkingConfig()) == []
    (only,) = chunk_text("  hello\n\nworld  ", ChunkingConfig())
    assert only.text == "hello\n\nworld"  # original whitespace between words is kept


def test_zero_overlap_tiles_the_text() -> None:
    chunks = chunk_text(_words(30), ChunkingConfig(words=10, overlap=0.0))
    assert [(c.start_word, c.end_word) for c in chunks] == [(0, 10), (10, 20), (20, 30)]


@pytest.mark.parametrize(("words", "overlap"), [(0, 0.1), (10, 1.0), (10, -0.1)])
def test_bad_configuration_is_refused(words: int, overlap: float) -> None:
    with pytest.raises(ConfigError):
        ChunkingConfig(words=words, overlap=overlap)
