"""The file tools, attacked: every way out of the files folder must fail, and say why."""

from __future__ import annotations

import os
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest
from builtin_calls import builtin_dispatcher, call

from bastion.contracts.errors import CapabilityDenied, ToolError
from bastion.kernel.builtins.confined_folder import ConfinedFolder, WriteMode
from bastion.kernel.dispatcher import Dispatcher

SECRET = "root:x:0:0:OUTSIDE-SECRET"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(SECRET)
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    files = tmp_path / "files"
    files.mkdir()
    (files / "notes").mkdir()
    (files / "notes" / "todo.md").write_text("buy milk")
    return files


@pytest.fixture
def dispatcher(root: Path) -> Dispatcher:
    return builtin_dispatcher(root, max_read_bytes=10_000, max_write_bytes=10_000)


def _outside_untouched(outside: Path) -> None:
    assert (outside / "passwd").read_text() == SECRET
    assert sorted(p.name for p in outside.iterdir()) == ["passwd"]


@pytest.mark.anyio
async def test_the_ordinary_path_works(dispatcher: Dispatcher, root: Path) -> None:
    assert (await call(dispatcher, "read_file", path="notes/todo.md")).content == "buy milk"
    wrote = await call(dispatcher, "write_file", path="new/deep/file.txt", content="hi")
    assert wrote.ok, wrote.content
    assert (root / "new" / "deep" / "file.txt").read_text() == "hi"
    appended = await call(
        dispatcher, "write_file", path="new/deep/file.txt", content="!", mode="append"
    )
    assert appended.ok
    assert (root / "new/deep/file.txt").read_text() == "hi!"
    again = await call(
        dispatcher, "write_file", path="new/deep/file.txt", content="x", mode="create"
    )
    assert not again.ok
    assert "already exists" in again.content
    listing = await call(dispatcher, "list_dir")
    assert listing.content == "dir   new/\ndir   notes/"
    assert "file  todo.md  (8 bytes)" in (await call(dispatcher, "list_dir", path="notes")).content
    assert [p.name for p in (root / "new" / "deep").iterdir()] == ["file.txt"]  # no temp left


@pytest.mark.anyio
async def test_the_folder_is_created_on_first_use(tmp_path: Path) -> None:
    dispatcher = builtin_dispatcher(tmp_path / "home" / "files")
    assert (await call(dispatcher, "list_dir")).content == ". is empty"
    assert (tmp_path / "home" / "files").is_dir()


TRAVERSALS = [
    "../outside/passwd",
    "notes/../../outside/passwd",
    "./../outside/passwd",
    "notes/./../..//outside/passwd",
    "..",
    "notes/..",
]


@pytest.mark.anyio
@pytest.mark.parametrize("path", TRAVERSALS)
@pytest.mark.parametrize("tool", ["read_file", "write_file", "list_dir"])
async def test_dot_dot_is_refused(
    dispatcher: Dispatcher, outside: Path, tool: str, path: str
) -> None:
    arguments = {"path": path, "content": "pwned"} if tool == "write_file" else {"path": path}
    result = await call(dispatcher, tool, **arguments)
    assert result.refused, result.content
    assert "'..'" in result.content
    assert SECRET not in result.content
    _outside_untouched(outside)


@pytest.mark.anyio
@pytest.mark.parametrize("tool", ["read_file", "write_file", "list_dir"])
async def test_absolute_paths_are_refused(dispatcher: Dispatcher, outside: Path, tool: str) -> None:
    target = str(outside / "passwd")
    arguments = {"path": target, "content": "pwned"} if tool == "write_file" else {"path": target}
    result = await call(dispatcher, tool, **arguments)
    assert result.refused
    assert "absolute" in result.content
    _outside_untouched(outside)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path", ["notes/todo.md\x00.txt", "\x00", "..\\outside\\passwd", "notes\\..\\..\\outside"]
)
async def test_nul_bytes_and_backslashes_are_refused(
    dispatcher: Dispatcher, outside: Path, path: str
) -> None:
    result = await call(dispatcher, "write_file", path=path, content="pwned")
    assert result.refused
    _outside_untouched(outside)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        "%2e%2e/outside/passwd",
        "%2e%2e%2foutside%2fpasswd",
        "\uff0e\uff0e/outside/passwd",
        "~/passwd",
    ],
)
async def test_encoded_tricks_are_just_names_inside_the_folder(
    dispatcher: Dispatcher, root: Path, outside: Path, path: str
) -> None:
    # Nothing decodes these: they name ordinary entries below the folder, and stay there.
    result = await call(dispatcher, "write_file", path=path, content="stays inside")
    assert result.ok, result.content
    assert (root / path).read_text() == "stays inside"
    assert (root / path).resolve().is_relative_to(root.resolve())
    _outside_untouched(outside)


@pytest.mark.anyio
async def test_a_symlink_to_etc_is_not_followed(dispatcher: Dispatcher, root: Path) -> None:
    (root / "etc").symlink_to("/etc")
    (root / "hosts").symlink_to("/etc/hosts")
    for result in (
        await call(dispatcher, "read_file", path="etc/passwd"),
        await call(dispatcher, "list_dir", path="etc"),
        await call(dispatcher, "read_file", path="hosts"),
        await call(dispatcher, "write_file", path="etc/pwned", content="x"),
        await call(dispatcher, "write_file", path="hosts", content="x"),
        await call(dispatcher, "write_file", path="hosts", content="x", mode="append"),
    ):
        assert result.refused, result.content
        assert "symbolic link" in result.content
    assert (root / "hosts").is_symlink()  # the overwrite did not replace the link either
    listing = await call(dispatcher, "list_dir")
    assert "link  etc  (symbolic link, not followed)" in listing.content


@pytest.mark.anyio
async def test_a_symlink_deep_inside_pointing_out_is_not_followed(
    dispatcher: Dispatcher, root: Path, outside: Path
) -> None:
    (root / "notes" / "archive").symlink_to(outside)
    (root / "notes" / "relative").symlink_to("../../outside")
    for path in ("notes/archive/passwd", "notes/relative/passwd"):
        read = await call(dispatcher, "read_file", path=path)
        assert read.refused
        assert SECRET not in read.content
        write = await call(dispatcher, "write_file", path=f"{path}.new", content="x")
        assert write.refused
    _outside_untouched(outside)


@pytest.mark.anyio
async def test_a_symlink_pointing_inside_is_refused_too(dispatcher: Dispatcher, root: Path) -> None:
    # Links are never followed, even harmless ones: one rule, no resolution logic to get wrong.
    (root / "alias.md").symlink_to(root / "notes" / "todo.md")
    assert (await call(dispatcher, "read_file", path="alias.md")).refused


@pytest.mark.anyio
async def test_hardlinks_are_refused_for_read_and_append_and_overwrite_replaces_the_name(
    dispatcher: Dispatcher, root: Path, outside: Path
) -> None:
    # A hard link is indistinguishable from the file it names, so any file with a second link
    # is refused; an overwrite writes a new file and renames it over the name, so the other
    # name (outside) keeps its content.
    os.link(outside / "passwd", root / "linked")
    read = await call(dispatcher, "read_file", path="linked")
    assert read.refused
    assert "hard links" in read.content
    assert SECRET not in read.content
    assert (await call(dispatcher, "write_file", path="linked", content="x", mode="append")).refused
    overwrite = await call(dispatcher, "write_file", path="linked", content="replaced")
    assert overwrite.ok
    assert (root / "linked").read_text() == "replaced"
    _outside_untouched(outside)


@pytest.mark.anyio
async def test_a_fifo_does_not_hang_the_call(dispatcher: Dispatcher, root: Path) -> None:
    os.mkfifo(root / "pipe")
    started = time.perf_counter()
    result = await call(dispatcher, "read_file", path="pipe")
    assert result.refused
    assert "not a regular file" in result.content
    assert time.perf_counter() - started < 2


@pytest.mark.anyio
async def test_size_caps_on_read_and_write(dispatcher: Dispatcher, root: Path) -> None:
    (root / "big.txt").write_text("x" * 10_001)
    big = await call(dispatcher, "read_file", path="big.txt")
    assert big.refused
    assert "reads at most 10000" in big.content
    huge = await call(dispatcher, "write_file", path="huge.txt", content="y" * 10_001)
    assert not huge.ok
    assert "invalid at $.content" in huge.content  # the schema's maxLength stops it first
    wide = await call(dispatcher, "write_file", path="wide.txt", content="€" * 5000)  # 15 KB
    assert wide.refused
    assert "writes at most 10000" in wide.content
    assert not (root / "huge.txt").exists()
    assert not (root / "wide.txt").exists()


@pytest.mark.anyio
async def test_binary_and_missing_files_are_clear_errors(
    dispatcher: Dispatcher, root: Path
) -> None:
    (root / "blob").write_bytes(b"\xff\xfe\x00")
    blob = await call(dispatcher, "read_file", path="blob")
    assert not blob.ok
    assert "not UTF-8" in blob.content
    missing = await call(dispatcher, "read_file", path="nope/none.txt")
    assert not missing.ok
    assert not missing.refused
    assert "no such file" in missing.content
    folder = await call(dispatcher, "read_file", path="notes")
    assert "is a folder" in folder.content


def _swap_forever(
    parent: Path, name: str, real: Path, link_target: Path, stop: threading.Event
) -> None:
    """Flip ``parent/name`` between a real entry and a symlink out, as fast as possible."""
    path = parent / name
    parked = parent / f".{name}.parked"
    while not stop.is_set():
        path.rename(parked)
        (parent / f".{name}.link").symlink_to(link_target)
        (parent / f".{name}.link").rename(path)
        path.unlink()
        parked.rename(path)


@pytest.mark.parametrize("swapped", ["folder", "file"])
def test_a_symlink_swapped_in_during_calls_never_escapes(
    root: Path, outside: Path, swapped: str
) -> None:
    folder = ConfinedFolder(root)
    if swapped == "folder":
        (root / "box").mkdir()
        (root / "box" / "passwd").write_text("inside")
        args = (root, "box", root / "box", outside)
    else:
        (root / "passwd").write_text("inside")
        args = (root, "passwd", root / "passwd", outside / "passwd")
    target = "box/passwd" if swapped == "folder" else "passwd"
    stop = threading.Event()
    swapper = threading.Thread(target=_swap_forever, args=(*args, stop))
    swapper.start()
    outcomes: dict[str, int] = {"inside": 0, "refused": 0, "missing": 0}
    try:
        # Run at least 0.3 s, and on until the race has shown both sides (at most 5 s).
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < 0.3 or (
            elapsed < 5 and not (outcomes["refused"] and outcomes["inside"] + outcomes["missing"])
        ):
            try:
                text = folder.read_text(target)
            except CapabilityDenied:  # met the link: refused without following it
                outcomes["refused"] += 1
            except ToolError:  # caught between the swapper's renames
                outcomes["missing"] += 1
            else:
                assert SECRET not in text, "read through a symlink swapped in mid-call"
                outcomes["inside"] += 1
            with suppress(CapabilityDenied, ToolError):  # only the outside file matters here
                folder.write_text(target, "!", WriteMode.APPEND, make_parents=False)
            assert (outside / "passwd").read_text() == SECRET
    finally:
        stop.set()
        swapper.join()
    # The race really happened: some calls met the link, some got through to the real entry.
    assert outcomes["refused"] > 0, outcomes
    assert outcomes["inside"] + outcomes["missing"] > 0, outcomes
    assert sorted(p.name for p in outside.iterdir()) == ["passwd"]
