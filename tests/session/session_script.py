# SPDX-License-Identifier: MIT
"""The scripted-session language (tests/session/run-sessions,
docs/testing-sessions.md): reading a script, `check` expressions,
${NAME} substitution and sendraw's escapes.  No QEMU here."""
import re


class ScriptError(Exception):
    pass


# ---- the script language ------------------------------------------------

def parse_pattern(rest):
    """`/REGEX/ [TIMEOUT]` or a bare REGEX (the rest of the line, no
    timeout) -> (regex text, timeout or None)."""
    rest = rest.strip()
    if rest.startswith("/"):
        end = rest.rfind("/")
        if end <= 0:
            raise ScriptError("unterminated /REGEX/")
        pattern, tail = rest[1:end], rest[end + 1:].strip()
        timeout = None
        if tail:
            try:
                timeout = float(tail)
            except ValueError:
                raise ScriptError(f"bad timeout '{tail}' after /REGEX/")
        return pattern, timeout
    return rest, None


def parse_script(path):
    """-> (settings, steps); steps are (line number, command, arguments)."""
    settings = {"firmware": ["bios"], "image": "iso", "machine": None, "mem": None, "rtc": None}
    steps = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            command, _, rest = text.partition(" ")
            if command == "firmware":
                settings["firmware"] = rest.split()
            elif command in ("image", "machine", "mem", "rtc"):
                settings[command] = rest.strip()
            elif command in ("expect", "absent", "screen"):
                steps.append((number, command, parse_pattern(rest)))
            elif command == "capture":
                name, _, pattern = rest.strip().partition(" ")
                if not re.fullmatch(r"[A-Za-z_]\w*", name):
                    raise ScriptError(f"{path}:{number}: bad capture name '{name}'")
                steps.append((number, command, (name,) + parse_pattern(pattern)))
            elif command == "send":
                # Leading spaces after `send ` are kept: the text is typed as written.
                steps.append((number, command, line.split("send", 1)[1][1:]))
            elif command == "sendraw":
                steps.append((number, command, rest))
            elif command in ("check", "sleep", "exit", "screendump"):
                steps.append((number, command, rest.strip()))
            else:
                raise ScriptError(f"{path}:{number}: unknown command '{command}'")
    if settings["image"] not in ("iso", "img"):
        raise ScriptError(f"{path}: image must be iso or img")
    # Each firmware may name its own image: `firmware bios uefi:img`.
    boots = []
    for word in settings["firmware"]:
        fw, _, image = word.partition(":")
        image = image or settings["image"]
        if fw not in ("bios", "uefi") or image not in ("iso", "img"):
            raise ScriptError(f"{path}: firmware must be bios or uefi, optionally with :iso "
                              f"or :img, not '{word}'")
        boots.append((fw, image))
    settings["boots"] = boots
    return settings, steps


CHECK_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_]\w*)|(<=|>=|==|!=|<|>|\+|-|\*|//|\(|\)))")


def evaluate_check(expr, captures):
    """Evaluate a comparison of captured numbers (e.g. `m100 >= n10 - 16`):
    integers, capture names, + - * // ( ) and comparisons, `and`, `or`,
    `not`; nothing else is accepted."""
    out, pos = [], 0
    while pos < len(expr.rstrip()):
        m = CHECK_TOKEN.match(expr, pos)
        if not m:
            raise ScriptError(f"check: cannot read '{expr[pos:]}'")
        number, name, op = m.groups()
        if name in ("and", "or", "not"):
            out.append(f" {name} ")
        elif name is not None:
            if name not in captures:
                raise ScriptError(f"check: '{name}' was never captured")
            try:
                out.append(str(int(captures[name], 0)))
            except ValueError:
                raise ScriptError(f"check: {name} = '{captures[name]}' is not a number")
        else:
            out.append(number if number is not None else op)
        pos = m.end()
    return bool(eval("".join(out), {"__builtins__": {}}, {}))  # only the tokens above


def substitute(text, captures):
    """${NAME} -> the captured text."""
    def one(m):
        if m.group(1) not in captures:
            raise ScriptError(f"${{{m.group(1)}}} was never captured")
        return captures[m.group(1)]
    return re.sub(r"\$\{([A-Za-z_]\w*)\}", one, text)


def unescape(text):
    """sendraw's C-like escapes: \\xHH \\r \\n \\t \\e \\\\."""
    return re.sub(r"\\(x[0-9a-fA-F]{2}|[rnte\\])",
                  lambda m: {"r": "\r", "n": "\n", "t": "\t", "e": "\x1b", "\\": "\\"}.get(
                      m.group(1), None) or chr(int(m.group(1)[1:], 16)), text)
