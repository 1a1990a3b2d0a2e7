"""The parent's half of the status pipe protocol (the child's half: `autograder.run.child`): lines `start NAME`,
`progress DONE TOTAL`, `confined UID`, `sandbox-error WHY`, `gpu ok` / `gpu error WHY` (a child on cuda, before any
student code) and `done NAME JSONLEN NPZLEN OUTPUT` followed by the encoded result. Student code can write to the pipe too: anything else is dropped, numbers are plain ASCII, and
no more than one bounded result is held in memory."""
from __future__ import annotations

import os
from dataclasses import dataclass

HEADER_MAX_BYTES = 1024  # one line of ours
RESULT_MAX_BYTES = 128 * 1024 * 1024  # one probe's result (JSON or arrays), held in the parent's memory: TwoLayerFC's
# trained weights (49 MB, float32) and its weights before training (25 MB, float16) fit


def read_available(fd: int, *, limit: int = 8 << 20) -> tuple[bytes, bool]:
    """What a non-blocking pipe holds now (at most about `limit` bytes: a writer that never stops cannot
    make one call endless), and whether it reached its end (or failed)."""
    chunks: list[bytes] = []
    while sum(map(len, chunks)) < limit:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return b"".join(chunks), False
        except OSError:
            return b"".join(chunks), True
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
    return b"".join(chunks), False


@dataclass
class Message:
    """One message of the child: `start NAME`, `progress DONE TOTAL`, `confined UID`, `sandbox-error WHY`, or a
    `done` with the encoded result (`text`: JSON, `payload`: the arrays)."""

    kind: str
    name: str
    text: bytes = b""
    payload: bytes = b""
    output: int = 0  # `done`: the size of the child's output log when the check ended


class StatusChannel:
    """Reads the status pipe and splits it into messages. Lines that are not messages of ours (student
    code can write to the pipe too) are dropped; it never holds more than one result in memory."""

    def __init__(self, fd: int, *, max_bytes: int = RESULT_MAX_BYTES) -> None:
        self.fd = fd
        self.max_bytes = max_bytes
        self.buffer = bytearray()
        self.messages: list[Message] = []
        self.closed = False
        self._expect: tuple[str, int, int, int] | None = None
        self._skipping = False  # inside an over-long line, which is dropped up to its end

    def read(self) -> None:
        """Read whatever is available (non-blocking) and parse it."""
        if not self.closed:
            data, self.closed = read_available(self.fd)
            self.buffer += data
            self._parse()

    def feed(self, data: bytes) -> None:
        """Parse `data` as if read from the pipe (tests)."""
        self.buffer += data
        self._parse()

    def _parse(self) -> None:
        while True:
            if self._expect is not None:
                name, text_size, payload_size, output = self._expect
                if len(self.buffer) < text_size + payload_size:
                    return
                text = bytes(self.buffer[:text_size])
                payload = bytes(self.buffer[text_size:text_size + payload_size])
                del self.buffer[:text_size + payload_size]
                self._expect = None
                self.messages.append(Message("done", name, text, payload, output))
                continue
            end = self.buffer.find(b"\n")
            if end < 0:
                if len(self.buffer) > HEADER_MAX_BYTES:  # an over-long line: drop what we have, skip to its end
                    del self.buffer[:]
                    self._skipping = True
                return
            if end > HEADER_MAX_BYTES:  # never one of ours: drop it, keep what follows
                del self.buffer[:end + 1]
                self._skipping = False
                continue
            line = bytes(self.buffer[:end]).decode("utf-8", errors="replace")
            del self.buffer[:end + 1]
            if self._skipping:
                self._skipping = False
                continue
            word, _, rest = line.partition(" ")
            if word == "done":
                parts = rest.split(" ")
                if len(parts) == 4 and all(decimal(part) for part in parts[1:]) \
                        and max(int(parts[1]), int(parts[2])) <= self.max_bytes:
                    self._expect = (parts[0], int(parts[1]), int(parts[2]), int(parts[3]))
            elif word in ("start", "progress", "confined", "sandbox-error", "gpu"):
                self.messages.append(Message(word, rest))
            # Any other line was not written by our code; it is dropped.

    def take(self) -> list[Message]:
        """The messages parsed so far (each returned once)."""
        messages, self.messages = self.messages, []
        return messages


def decimal(text: str) -> bool:
    """A plain ASCII decimal number (`str.isdigit` also accepts '²' and other digits `int` refuses)."""
    return text.isascii() and text.isdigit() and len(text) <= 18
