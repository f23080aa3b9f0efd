"""Run a command on a fresh pseudo-terminal and type into it, for prompt tests.

usage: pty_run.py [--expect TEXT --send TEXT]... [--signal-after-expect SIG] -- COMMAND...

Each --expect waits (up to 20 s) until TEXT has appeared in the terminal output since the last
match, then --send writes its text (Python escapes such as \\r and \\x7f are decoded). Prints a JSON
object: {"output": everything the terminal showed, "status": exit code or -signal}.
The child gets the pty as its controlling terminal, so /dev/tty is the pty.
"""
import json
import os
import pty
import select
import signal
import sys
import time


def main() -> None:
    args = sys.argv[1:]
    steps = []
    while args and args[0] != "--":
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--expect":
            steps.append(("expect", value))
        elif flag == "--send":
            steps.append(("send", value.encode("utf-8").decode("unicode_escape").encode("latin-1")))
        elif flag == "--signal":
            steps.append(("signal", value))
        else:
            raise SystemExit(f"unknown flag {flag}")
    command = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    out = b""
    seen = 0

    def pump(timeout: float) -> bool:
        nonlocal out
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        out += chunk
        return True

    for kind, value in steps:
        if kind == "expect":
            deadline = time.time() + 20
            needle = value.encode()
            while out.find(needle, seen) < 0:
                if time.time() > deadline or not pump(0.1):
                    print(json.dumps({"output": out.decode("utf-8", "replace"), "status": None,
                                      "error": f"timed out waiting for {value!r}"}))
                    os.kill(pid, signal.SIGKILL)
                    return
            seen = out.find(needle, seen) + len(needle)
        elif kind == "send":
            os.write(fd, value)
        else:
            os.kill(pid, getattr(signal, value))
    deadline = time.time() + 30
    while time.time() < deadline and pump(0.2):
        pass
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
    print(json.dumps({"output": out.decode("utf-8", "replace"), "status": code}))


main()
