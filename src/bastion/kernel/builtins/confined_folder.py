"""``ConfinedFolder``: file access that cannot leave one folder.

A path from the model is only ever a list of names below the folder: no absolute paths, no
``..``, no NUL bytes, no backslashes. It is then walked one name at a time with ``os.open`` on
the directory descriptor of the step before (openat-style) and ``O_NOFOLLOW``, so a symbolic
link is never followed: not one that was there all along, and not one swapped in while a call
is under way (checking a resolved path and then opening it again would leave that window open).

Hard links are the one thing names cannot reveal: a hard link in the folder *is* the file it
names, wherever its other name lives. Files with more than one link are therefore refused for
reading and appending; an overwrite replaces the name (write to a temporary file, then rename),
so it never writes through a link into the other file.

Every method is blocking; the tools run them in a worker thread.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bastion.contracts.errors import CapabilityDenied, LimitExceeded, ToolError

__all__ = ["ConfinedFolder", "FolderEntry", "WriteMode"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO someone left in the folder must not hang the call.
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_WRITE_FLAGS = os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_MAX_SHOWN_PATH = 200


class WriteMode(StrEnum):
    OVERWRITE = "overwrite"  # replace the file (atomically) or create it
    APPEND = "append"  # add to the end, creating the file if needed
    CREATE = "create"  # create a new file; fail if the name exists


@dataclass(frozen=True, slots=True)
class FolderEntry:
    name: str
    kind: str  # file | dir | link | other
    size: int


def _shown(relative: str) -> str:
    text = relative if len(relative) <= _MAX_SHOWN_PATH else relative[:_MAX_SHOWN_PATH] + "…"
    return repr(text)


def _denied(detail: str) -> CapabilityDenied:
    return CapabilityDenied("files", detail)


def split_relative(relative: str) -> list[str]:
    """The names below the folder that ``relative`` denotes; refuses any way out."""
    if "\x00" in relative:
        raise _denied("the path contains a NUL byte")
    if relative.startswith("/"):
        raise _denied(f"{_shown(relative)} is absolute; give a path inside the files folder")
    if "\\" in relative:
        raise _denied(f"{_shown(relative)} contains a backslash; separate folders with '/'")
    parts = [part for part in relative.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise _denied(f"{_shown(relative)} contains '..'; paths cannot leave the files folder")
    return parts


def _os_error(relative: str, exc: OSError) -> ToolError:
    if isinstance(exc, FileNotFoundError):
        return ToolError(f"{_shown(relative)}: no such file or folder")
    if isinstance(exc, PermissionError):
        return ToolError(f"{_shown(relative)}: permission denied")
    return ToolError(f"{_shown(relative)}: {exc.strerror or type(exc).__name__}")


class ConfinedFolder:
    """Read, write and list files below ``root`` and nowhere else."""

    def __init__(
        self,
        root: Path,
        *,
        max_read_bytes: int = 1_048_576,
        max_write_bytes: int = 1_048_576,
        max_list_entries: int = 1000,
    ) -> None:
        self.root = root
        self.max_read_bytes = max_read_bytes
        self.max_write_bytes = max_write_bytes
        self.max_list_entries = max_list_entries

    # -- walking -------------------------------------------------------------------------

    def _open_root(self) -> int:
        # The root comes from settings (trusted), so it is opened by path, links and all.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def _step(self, parent: int, name: str, walked: str, *, create: bool) -> int:
        """Open directory ``name`` inside ``parent`` without following a link."""
        try:
            return os.open(name, _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
        except OSError as exc:
            # Linux answers ENOTDIR, not ELOOP, for a link when O_DIRECTORY is set. Nothing was
            # opened either way; the lstat only picks the message.
            if exc.errno == errno.ELOOP or _is_link(parent, name):
                raise _denied(
                    f"{_shown(walked)} is a symbolic link; links are not followed"
                ) from exc
            if exc.errno == errno.ENOTDIR:
                raise ToolError(f"{_shown(walked)} is not a folder") from exc
            raise
        # Made by someone else meanwhile? Then it is opened below with the same checks.
        with suppress(FileExistsError):
            os.mkdir(name, 0o700, dir_fd=parent)
        return self._step(parent, name, walked, create=False)

    @contextmanager
    def _directory(self, relative: str, parts: list[str], *, create: bool = False) -> Iterator[int]:
        """A descriptor of the folder that ``parts`` names, walked name by name."""
        fd = self._open_root()
        try:
            for index, name in enumerate(parts):
                walked = "/".join(parts[: index + 1])
                try:
                    child = self._step(fd, name, walked, create=create)
                except (CapabilityDenied, ToolError):
                    raise
                except OSError as exc:
                    raise _os_error(relative, exc) from exc
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    @staticmethod
    def _check_open_file(fd: int, relative: str, *, single_link: bool) -> os.stat_result:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ToolError(f"{_shown(relative)} is a folder; use list_dir")
        if not stat.S_ISREG(info.st_mode):
            raise _denied(f"{_shown(relative)} is not a regular file")
        if single_link and info.st_nlink > 1:
            raise _denied(
                f"{_shown(relative)} has other hard links, which may lie outside the folder"
            )
        return info

    def _open_leaf(self, dir_fd: int, name: str, relative: str, flags: int) -> int:
        try:
            return os.open(name, flags, 0o600, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _denied(
                    f"{_shown(relative)} is a symbolic link; links are not followed"
                ) from exc
            if exc.errno == errno.EEXIST:
                raise ToolError(f"{_shown(relative)} already exists") from exc
            if exc.errno == errno.EISDIR:
                raise ToolError(f"{_shown(relative)} is a folder") from exc
            raise _os_error(relative, exc) from exc

    # -- operations ----------------------------------------------------------------------

    def read_text(self, relative: str) -> str:
        parts = split_relative(relative)
        if not parts:
            raise ToolError("give the path of a file to read; use list_dir to see the folder")
        with self._directory(relative, parts[:-1]) as dir_fd:
            fd = self._open_leaf(dir_fd, parts[-1], relative, _READ_FLAGS)
            try:
                info = self._check_open_file(fd, relative, single_link=True)
                if info.st_size > self.max_read_bytes:
                    raise LimitExceeded(
                        "file_size",
                        f"{_shown(relative)} is {info.st_size} bytes; read_file reads at most "
                        f"{self.max_read_bytes}",
                    )
                data = _read_at_most(fd, self.max_read_bytes + 1)
            finally:
                os.close(fd)
        if len(data) > self.max_read_bytes:  # it grew after fstat
            raise LimitExceeded(
                "file_size", f"{_shown(relative)} is over {self.max_read_bytes} bytes"
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ToolError(f"{_shown(relative)} is not UTF-8 text") from exc

    def write_text(
        self, relative: str, content: str, mode: WriteMode, *, make_parents: bool = True
    ) -> int:
        """Write ``content``; returns the number of bytes written."""
        data = content.encode("utf-8")
        if len(data) > self.max_write_bytes:
            raise LimitExceeded(
                "file_size",
                f"content is {len(data)} bytes; write_file writes at most {self.max_write_bytes}",
            )
        parts = split_relative(relative)
        if not parts:
            raise ToolError("give the path of a file to write")
        with self._directory(relative, parts[:-1], create=make_parents) as dir_fd:
            if mode is WriteMode.OVERWRITE:
                self._replace(dir_fd, parts[-1], relative, data)
                return len(data)
            flags = _WRITE_FLAGS | os.O_CREAT
            flags |= os.O_APPEND if mode is WriteMode.APPEND else os.O_EXCL
            fd = self._open_leaf(dir_fd, parts[-1], relative, flags)
            try:
                self._check_open_file(fd, relative, single_link=True)
                _write_all(fd, data)
            finally:
                os.close(fd)
        return len(data)

    def _replace(self, dir_fd: int, name: str, relative: str, data: bytes) -> None:
        try:
            existing = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if existing is not None and stat.S_ISLNK(existing.st_mode):
            raise _denied(f"{_shown(relative)} is a symbolic link; links are not followed")
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise ToolError(f"{_shown(relative)} is a folder")
        temporary = f".bastion-write-{secrets.token_hex(8)}.tmp"
        fd = self._open_leaf(dir_fd, temporary, relative, _WRITE_FLAGS | os.O_CREAT | os.O_EXCL)
        try:
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            # rename replaces the name itself: were a link swapped in meanwhile, the link is
            # replaced, never written through.
            os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            _unlink_quietly(temporary, dir_fd)
            raise

    def list_entries(self, relative: str) -> tuple[list[FolderEntry], int]:
        """Entries of a folder, sorted by name, at most ``max_list_entries``; and the total."""
        parts = split_relative(relative)
        with self._directory(relative, parts) as dir_fd:
            names = sorted(os.listdir(dir_fd))  # noqa: PTH208 - pathlib cannot list a descriptor
            entries = [_entry(dir_fd, name) for name in names[: self.max_list_entries]]
        return [entry for entry in entries if entry is not None], len(names)


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _entry(dir_fd: int, name: str) -> FolderEntry | None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None  # removed while listing
    if stat.S_ISLNK(info.st_mode):
        kind = "link"
    elif stat.S_ISDIR(info.st_mode):
        kind = "dir"
    elif stat.S_ISREG(info.st_mode):
        kind = "file"
    else:
        kind = "other"
    return FolderEntry(name, kind, info.st_size)


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _unlink_quietly(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return
