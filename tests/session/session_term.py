# SPDX-License-Identifier: MIT
"""The serial line of a scripted session (tests/session/run-sessions):
QEMU's COM1 as text to match, with the kernel's log lines kept apart, the
QEMU monitor on the same stdio, and screendumps turned into PNG files."""
import bisect
import os
import re
import struct
import threading
import time
import zlib

# A line of the kernel's log: "[    1.234567] text".
KERNEL_LINE = re.compile(r"\[ *\d+\.\d+\] [^\n]*\n")


class Terminal:
    """What QEMU's COM1 printed: kept raw in the log file, and as text
    without ANSI sequences, carriage returns or other control bytes for
    matching."""

    def __init__(self, proc, log_path, type_delay=0.02):
        self.proc = proc
        self.type_delay = type_delay
        self.log = open(log_path, "wb")
        self.joined = ""
        self.state = 0          # ANSI filter: 0 text, 1 ESC, 2 CSI, 3 SS3, 4 OSC
        self.cond = threading.Condition(threading.RLock())
        self.cache_len = -1
        self.user, self.a_starts, self.b_starts = "", [], []
        self.closed = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _clean(self, data):
        out = []
        for ch in data.decode("latin-1"):
            c = ord(ch)
            if self.state == 0:
                if c == 0x1b:
                    self.state = 1
                elif ch in "\n\t" or c >= 0x20 and c != 0x7f:
                    out.append(ch)
            elif self.state == 1:
                self.state = {"[": 2, "O": 3, "]": 4}.get(ch, 0)
            elif self.state == 2:
                if 0x40 <= c <= 0x7e:
                    self.state = 0
            elif self.state == 3:
                self.state = 0
            elif self.state == 4:
                if c == 0x07:
                    self.state = 0
                elif c == 0x1b:
                    self.state = 1
        return "".join(out)

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            self.log.write(data)
            self.log.flush()
            text = self._clean(data)
            with self.cond:
                self.joined += text
                self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()
        self.log.close()

    def _views(self):
        """The text without the kernel's log lines, and where its pieces
        sit in the full text (called with the lock held; cached)."""
        if self.cache_len != len(self.joined):
            full = self.joined
            pieces, self.b_starts, self.a_starts = [], [], []
            a = b = 0
            for m in KERNEL_LINE.finditer(full):
                if m.start() > a:
                    pieces.append(full[a:m.start()])
                    self.b_starts.append(b)
                    self.a_starts.append(a)
                    b += m.start() - a
                a = m.end()
            if a < len(full):
                pieces.append(full[a:])
                self.b_starts.append(b)
                self.a_starts.append(a)
            self.user = "".join(pieces)
            self.cache_len = len(full)
        return self.user

    def to_user(self, a):
        """A position in the full text -> the same place in the user text."""
        self._views()
        i = bisect.bisect_right(self.a_starts, a) - 1
        if i < 0:
            return 0
        piece_len = (self.b_starts[i + 1] if i + 1 < len(self.b_starts)
                     else len(self.user)) - self.b_starts[i]
        return self.b_starts[i] + min(a - self.a_starts[i], piece_len)

    def to_full(self, b):
        """The end of a match in the user text -> the end in the full text."""
        self._views()
        if b <= 0:
            return 0
        i = bisect.bisect_right(self.b_starts, b - 1) - 1
        return self.a_starts[i] + (b - 1 - self.b_starts[i]) + 1

    def search(self, regex, start):
        """Search the output after full-text position start, both as it
        came and without the kernel's log lines (which the kernel writes
        into COM1 whenever it likes, even in the middle of a line of the
        console's output) -> (match, end in the full text) or None; the
        one that ends first when both match."""
        with self.cond:
            found = []
            m = regex.search(self.joined, start)
            if m:
                found.append((m.end(), 0, m))
            user = self._views()
            m = regex.search(user, self.to_user(start))
            if m:
                found.append((max(start, self.to_full(m.end())), 1, m))
            if not found:
                return None
            # On a tie, the match in the console's own text: it cannot
            # have been made of a kernel line's words.
            end, _, m = min(found, key=lambda f: (f[0], -f[1]))
            return m, end

    def user_text(self, a_from, a_to):
        """The output between two full-text positions, without kernel lines."""
        with self.cond:
            user = self._views()
            return user[self.to_user(a_from):self.to_user(a_to)]

    def wait_for(self, regex, start, timeout):
        """-> (the match, its end in the full text) after `start`, or None
        when the time is up or QEMU has ended without it."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = self.search(regex, start)
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(min(left, 1.0))

    def length(self):
        with self.cond:
            return len(self.joined)

    def monitor(self, command, timeout=30.0):
        """Run a QEMU monitor command: Ctrl-A c switches the shared stdio
        to the monitor and back.  -> True when the monitor answered."""
        prompt = re.compile(r"\(qemu\) ")
        ok = False
        try:
            start = self.length()
            self.proc.stdin.write(b"\x01c")
            self.proc.stdin.flush()
            found = self.wait_for(prompt, start, timeout)
            if found:
                self.proc.stdin.write(command.encode() + b"\n")
                self.proc.stdin.flush()
                ok = self.wait_for(prompt, found[1], timeout) is not None
            self.proc.stdin.write(b"\x01c")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            return False
        return ok

    def type(self, data):
        # COM1 shares stdio with QEMU's monitor, whose escape is Ctrl-A:
        # a literal Ctrl-A is sent twice.
        for byte in data.encode("latin-1").replace(b"\x01", b"\x01\x01"):
            try:
                self.proc.stdin.write(bytes([byte]))
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                return False
            time.sleep(self.type_delay)
        return True


def ppm_to_png(src, dest):
    """QEMU's screendump (binary PPM, P6, 8-bit) -> a PNG file."""
    with open(src, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        raise ValueError(f"{src}: not an 8-bit binary PPM")
    width, height = int(m.group(1)), int(m.group(2))
    pixels = data[m.end():m.end() + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ValueError(f"{src}: short")
    stride = width * 3
    raw = b"".join(b"\0" + pixels[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    with open(dest, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
