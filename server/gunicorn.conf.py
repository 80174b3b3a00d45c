"""gunicorn settings for the Telltale server.

    gunicorn -c server/gunicorn.conf.py 'server:create_app()'

Environment (a bad value stops it with exit status 2 and one line on stderr):
TELLTALE_HOST (127.0.0.1), TELLTALE_PORT (8765), TELLTALE_WORKERS (1),
TELLTALE_THREADS (4 request threads per worker), TELLTALE_TORCH_THREADS (CPU cores /
workers), TELLTALE_LOG_LEVEL (info; debug, info, warning, error or critical), plus the
app's TELLTALE_* settings (see server/settings.py) and the library's TELLTALE_PRECISION
and TELLTALE_SENTENCE_CACHE. Command-line flags such as ``-b`` or ``-w``
override these.

Each worker imports the app after the fork (no preload), so each loads the model
once; ``/healthz`` answers 503 until its model is warm. SIGTERM stops accepting,
lets requests in flight finish (``graceful_timeout``), then exits.
"""

import atexit
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from server.settings import SettingsError  # noqa: E402
from server.startup import check_library_environment, log_level, whole_number  # noqa: E402


def _checked(check, *args, **kwargs):
    """A start-up check's value, or its one-line error and exit status 2."""
    try:
        return check(*args, **kwargs)
    except SettingsError as exc:
        sys.stderr.write(f"telltale: {exc}\n")
        sys.exit(2)


def _whole(name: str, default: str, lowest: int = 1, highest: int | None = None) -> int:
    """A TELLTALE_* whole number, or a one-line error and exit status 2."""
    return _checked(whole_number, os.environ.get(name, default), name, lowest, highest)


# Writable scratch space in memory: gunicorn's worker heartbeat files and the metrics
# folder, so the image can run with a read-only root file system (/tmp need not be writable).
_scratch = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
worker_tmp_dir = _scratch

_host = os.environ.get("TELLTALE_HOST", "127.0.0.1")
_port = _whole("TELLTALE_PORT", "8765", 1, 65535)
bind = [f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"]
workers = _whole("TELLTALE_WORKERS", "1")
threads = _whole("TELLTALE_THREADS", "4")
loglevel = _checked(log_level, os.environ.get("TELLTALE_LOG_LEVEL"))
# The library's own variables (precision, sentence cache), read by each worker as it loads the
# model (this imports the scorer package in the master, shared with the workers it forks).
_checked(check_library_environment)

# Metrics from all workers: prometheus-client's multiprocess mode reads this folder.
# It must be set before any worker imports prometheus_client (and after the checks
# above, which may stop the start).
_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir = tempfile.mkdtemp(prefix="telltale-metrics-", dir=_scratch)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
    _master = os.getpid()
    # gunicorn exits without on_exit when it cannot bind; workers are forks and must not remove it
    atexit.register(lambda: os.getpid() == _master and shutil.rmtree(_metrics_dir, ignore_errors=True))
worker_class = "gthread"
preload_app = False
timeout = 60
graceful_timeout = 30
keepalive = 5
# Access log: time, client, method, path without the query string, status, size, duration.
# Bodies, query strings and headers (the token) are never logged.
accesslog = "-"
access_log_format = '%(t)s %(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "telltale"
control_socket_disable = True  # no runtime control socket (and no clash between servers)


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def on_starting(server):
    """Before any worker starts: refuse to listen beyond loopback without a token, and a
    model path that is not a folder."""
    from server.settings import ServerSettings, check_bind
    from server.startup import check_model_path

    try:
        settings = ServerSettings.from_sources()
        token = settings.resolved_token()
        for address in server.cfg.bind:
            if not address.startswith(("unix:", "fd://")):
                check_bind(address.rsplit(":", 1)[0], token)
        check_model_path(settings.model_path)
    except SettingsError as exc:
        server.log.error("%s", exc)
        sys.stderr.flush()
        on_exit(server)  # os._exit skips gunicorn's own exit hooks
        os._exit(2)
    if not os.environ.get("TELLTALE_TORCH_THREADS"):
        os.environ["TELLTALE_TORCH_THREADS"] = str(max(1, _cpu_count() // server.cfg.workers))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
