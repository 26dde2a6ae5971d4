"""A throw-away PostgreSQL cluster of a test's own, with durable settings, to crash and restart.

Unlike scripts/services.sh (fsync, synchronous_commit and full_page_writes off, for speed), this
cluster commits as production does: a write PostgreSQL has acknowledged is in the WAL on disk, so a
test can crash it (SIGKILL of the postmaster and every backend at once) and expect the write back
after crash recovery. The postmaster is this process's own child (run as the `postgres` user when
we are root: PostgreSQL refuses root), so a SIGKILL leaves no zombie holding its lock file.
"""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.redis_process import free_port

DURABLE = ("fsync=on", "synchronous_commit=on", "full_page_writes=on")


def postgres_bin() -> Path | None:
    """The folder of initdb and postgres (Debian's versioned folder first), or None."""
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(initdb).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("postgres"):
        return Path(initdb).parent
    return None


class DurablePostgres:
    """initdb into a temporary folder, start on a free loopback port, crash, start again, remove."""

    def __init__(self, bin_dir: Path, *, settings: tuple[str, ...] = DURABLE) -> None:
        self.bin_dir = bin_dir
        self.settings = settings
        self.port = free_port()
        # Not pytest's tmp_path: the `postgres` user must be able to enter it.
        self.directory = Path(tempfile.mkdtemp(prefix="credo-durable-pg."))
        self.directory.chmod(0o755)
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.directory, user=self.user)
        self.process: subprocess.Popen | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            args,
            cwd=self.directory,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C", "LC_ALL": "C"},
        )

    def init(self) -> None:
        # --no-sync only skips flushing initdb's own files: a process crash (not a power cut)
        # is what the tests inject; the server below runs with fsync on.
        initdb = self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        if initdb.wait(timeout=120) != 0:
            raise RuntimeError("initdb failed")

    def start(self, timeout: float = 60) -> None:
        options = [item for setting in (*self.settings, "max_connections=60") for item in ("-c", setting)]
        log = self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                [
                    str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-k", str(self.directory), "-c", "listen_addresses=127.0.0.1", *options,
                ],
                cwd=self.directory, user=self.user, stdout=log, stderr=subprocess.STDOUT,
                env={"PATH": os.environ.get("PATH", ""), "LANG": "C", "LC_ALL": "C"},
            )  # fmt: skip
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log_tail()}")
            if self.accepts_connections():
                return
            time.sleep(0.1)
        raise RuntimeError(f"postgres did not start: {self.log_tail()}")

    def accepts_connections(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(self.url(), connect_timeout=2).close()
        except psycopg2.OperationalError:
            return False
        return True

    def crash(self) -> None:
        """`kill -9` of the postmaster and of every backend at the same instant, as when the
        machine's OOM killer or a container runtime takes the server down: nothing is flushed,
        what shared memory held is gone."""
        assert self.process is not None
        postmaster = self.process.pid
        os.kill(postmaster, signal.SIGSTOP)  # no new backend from here on
        children_file = Path(f"/proc/{postmaster}/task/{postmaster}/children")
        children = [int(pid) for pid in children_file.read_text().split()]
        for pid in (postmaster, *children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGQUIT)  # immediate shutdown: nothing to keep
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


def _alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie, waiting for init to reap it, no longer does)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in {"Z", "X"}
