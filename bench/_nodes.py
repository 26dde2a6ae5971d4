"""Celery worker nodes seen from outside, through /proc (Linux): a node's process tree, the CPU
time it has used, killing it as a machine dies, and which node holds a TCP connection. Used by
bench/bench_nightly_batch.py (BENCH_MULTINODE=1) and tests/test_two_worker_nodes.py."""

import contextlib
import os
import signal
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (which may hold spaces), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def tree(pid: int) -> list[int]:
    """`pid` and every process descended from it (a prefork node: its main process and pool)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of `pid`'s tree so far: every live process's own time, plus what
    its children that already ended used (cutime/cstime, counted once in their parent)."""
    total = 0
    for member in tree(pid):
        fields = _stat(member)
        if fields is not None:  # utime, stime, cutime, cstime are fields 14-17 of stat
            total += sum(int(value) for value in fields[11:15])
    return total / TICKS


def kill_tree(pid: int) -> None:
    """SIGKILL `pid` and its descendants at once, as when the node's machine dies."""
    for member in tree(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(member, signal.SIGKILL)


def _socket_inodes(local_port: int, remote_port: int) -> set[str]:
    """The inodes of loopback TCP connections from `local_port` to `remote_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == local_port and int(remote, 16) == remote_port:
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def connection_owner(nodes: dict[str, int], *, local_port: int, remote_port: int) -> str | None:
    """The name of the node (name -> main pid) whose tree holds the TCP connection from
    `local_port` to `remote_port`, or None."""
    inodes = _socket_inodes(local_port, remote_port)
    if not inodes:
        return None
    for name, pid in nodes.items():
        for member in tree(pid):
            try:
                fds = os.listdir(f"/proc/{member}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{member}/fd/{fd}") in inodes:
                        return name
                except OSError:
                    continue
    return None
