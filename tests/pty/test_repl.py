"""`vigie repl` in a real terminal (a pty), as an analyst uses it.

Run by tests/pty/run.sh, which makes the virtual environment:

    python test_repl.py PATH/TO/vigie

What goes to the terminal is fed to a terminal emulator (pyte), so the
checks read the screen as a person would: escape sequences and cursor
movements applied, colours ignored. Checked:

* tab completion: `ad.bod<TAB>` gives `ad.body`, `ad.bo<TAB><TAB>` lists
  `body` and `boosted`, `:wh<TAB>` gives `:why`, `:why ta<TAB>` a rule;
* highlighting: the line is coloured (keywords, strings, numbers,
  durations) and reads back exactly as typed;
* history: a line typed in one session comes back with Up in the next
  (HOME and XDG_DATA_HOME point to a temporary directory);
* multi-line input: `lexicon x {`, a term, `}` on three lines define the
  lexicon.

Exits with 1 on the first failure, showing the screen.
"""

import os
import re
import shutil
import sys
import tempfile
import time

import pexpect
import pyte

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS, COLS = 40, 120
TIMEOUT = 15.0
PACK = "tests/repl_scripts/mini.vigie"


class Failure(Exception):
    pass


class Terminal:
    """A `vigie repl` in a pty, with an emulated screen."""

    def __init__(self, binary, home, args=(PACK,)):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE")
        }
        env.update(
            {
                "HOME": home,
                "XDG_DATA_HOME": os.path.join(home, "data"),
                "TERM": "xterm-256color",
                "LANG": "C.UTF-8",
                "LC_ALL": "C.UTF-8",
            }
        )
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.child = pexpect.spawn(
            binary,
            ["repl", *args],
            cwd=ROOT,
            env=env,
            dimensions=(ROWS, COLS),
            timeout=TIMEOUT,
        )

    def pump(self, wait=0.05):
        """Reads what the REPL wrote so far; False at end of file."""
        try:
            data = self.child.read_nonblocking(65536, timeout=wait)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        if b"\x1b[6n" in data:  # a cursor position query: answer it
            self.child.send(
                "\x1b[%d;%dR" % (self.screen.cursor.y + 1, self.screen.cursor.x + 1)
            )
        return True

    def lines(self):
        return [line.rstrip() for line in self.screen.display]

    def text(self):
        return "\n".join(line for line in self.lines() if line)

    def wait(self, what, predicate):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if predicate(self):
                return
            if not self.pump():
                if predicate(self):
                    return
                raise Failure("the REPL ended while waiting for %s" % what)
        raise Failure("timed out waiting for %s" % what)

    def wait_text(self, needle):
        self.wait(repr(needle), lambda t: needle in t.text())

    def cursor_line(self):
        return self.lines()[self.screen.cursor.y]

    def wait_cursor_line(self, expected):
        """Waits until the cursor follows `expected` at the start of its
        line (a dimmed hint may follow the cursor)."""
        self.wait(
            "the line %r at the cursor" % expected,
            lambda t: t.cursor_line().startswith(expected)
            and t.screen.cursor.x == len(expected),
        )

    def settle(self, quiet=0.3):
        """Reads until the REPL has been quiet for `quiet` seconds."""
        last = len(self.raw)
        deadline = time.time() + TIMEOUT
        quiet_since = time.time()
        while time.time() < deadline:
            if not self.pump():
                return
            if len(self.raw) != last:
                last = len(self.raw)
                quiet_since = time.time()
            elif time.time() - quiet_since >= quiet:
                return

    def type(self, keys):
        for key in keys:
            self.child.send(key)
            self.pump(0.02)

    def clear_line(self):
        self.child.send("\x05\x15")  # Ctrl-E, Ctrl-U: end of line, kill it
        self.settle()

    def quit(self):
        self.child.send("\x04")  # Ctrl-D on an empty line
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus


PROMPT = "vigie> "


def check_completion(t):
    t.type("ad.bod\t")
    t.wait_cursor_line(PROMPT + "ad.body")
    t.clear_line()

    # Two fields start with `bo`: the second Tab lists them.
    t.type("ad.bo\t\t")
    t.wait(
        "body and boosted listed",
        lambda t: any(
            re.search(r"\bbody\b", l) and "boosted" in l for l in t.lines()
        ),
    )
    t.clear_line()

    t.type(":wh\t")
    t.wait_cursor_line(PROMPT + ":why")
    t.type(" ta\t")
    t.wait_cursor_line(PROMPT + ":why tarif")
    t.clear_line()

    t.type("len(ad.ti\t")
    t.wait_cursor_line(PROMPT + "len(ad.title")
    t.type(")\r")
    t.wait_text("0 : number")
    t.settle()


def strip_ansi(data):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data)


def check_highlighting(t):
    line = 'ad.body has "détente" and 30min < 1h and len(ad.title) > 2 # note'
    before = len(t.raw)
    t.type(line)
    t.settle()
    echoed = t.raw[before:]
    # Colours are on: keywords, strings, durations, comments...
    for colour, what in (
        (b"\x1b[35mhas", "the keyword `has`"),
        (b"\x1b[32m\"d\xc3\xa9tente\"", "the string"),
        (b"\x1b[36m30min", "the duration"),
        (b"\x1b[33m2", "the number"),
        (b"\x1b[2m# note", "the comment"),
    ):
        if colour not in echoed:
            raise Failure("%s is not coloured: %r" % (what, echoed[-400:]))
    # ...and the line on the screen is what was typed, character for
    # character, before and after Enter.
    t.wait_cursor_line(PROMPT + line)
    t.type("\r")
    t.wait_text("false : bool")
    if PROMPT + line not in t.lines():
        raise Failure("the line was garbled after Enter:\n" + t.text())
    # The last full redraw of the line, escapes removed, is the line.
    last_draw = strip_ansi(echoed).decode("utf-8", "replace")
    if line not in last_draw:
        raise Failure("the echo, without escapes, is not the line: %r" % last_draw[-300:])
    t.settle()


def check_multiline(t):
    t.type("lexicon x {\r")
    t.settle()
    if "lexicon x defined" in t.text():
        raise Failure("the input ended with a brace open")
    t.type('  "douche"\r')
    t.settle()
    t.type("}\r")
    t.wait_text("lexicon x defined")
    t.type("x\r")
    t.wait_text("# <repl:")
    t.settle()
    screen = t.text()
    if 'lexicon x {\n  "douche"\n}' not in screen:
        raise Failure("the lexicon was not kept as typed:\n" + screen)


def check_history(binary, home):
    first = Terminal(binary, home)
    first.wait_text(PROMPT.rstrip())
    first.type("1h + 30min\r")
    first.wait_text("90min : duration")
    first.settle()
    status = first.quit()
    if status != 0:
        raise Failure("the first session exited with %s" % status)
    history = os.path.join(home, "data", "vigie", "history.txt")
    if not os.path.exists(history):
        raise Failure("no history file at " + history)

    second = Terminal(binary, home)
    second.wait_text(PROMPT.rstrip())
    second.settle()
    second.type("\x1b[A")  # Up
    second.wait_cursor_line(PROMPT + "1h + 30min")
    second.type("\r")
    second.wait(
        "the recalled line's result",
        lambda t: t.text().count("90min : duration") == 1,
    )
    second.settle()
    second.quit()


def main():
    if len(sys.argv) != 2:
        print("usage: test_repl.py PATH/TO/vigie", file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    checks = ["completion", "highlighting", "multi-line input", "history"]
    home = tempfile.mkdtemp(prefix="vigie-pty-")
    t = None
    current = None
    try:
        t = Terminal(binary, home)
        t.wait_text(PROMPT.rstrip())
        t.settle()
        for name, check in (
            ("completion", check_completion),
            ("highlighting", check_highlighting),
            ("multi-line input", check_multiline),
        ):
            current = name
            check(t)
            print("ok   %s" % name)
        status = t.quit()
        if status != 0:
            raise Failure("the REPL exited with %s" % status)
        t = None
        current = "history"
        check_history(binary, os.path.join(home, "history-test"))
        print("ok   history")
    except (Failure, pexpect.ExceptionPexpect) as e:
        print("FAIL %s: %s" % (current, e))
        if t is not None:
            print("---- screen ----")
            print(t.text())
            print("----------------")
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("%d checks passed" % len(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
