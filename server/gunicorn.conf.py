"""gunicorn settings for the Telltale server.

    gunicorn -c server/gunicorn.conf.py 'server:create_app()'

Environment (a bad value stops it with exit status 2 and one line on stderr):
TELLTALE_HOST (127.0.0.1), TELLTALE_PORT (8765), TELLTALE_WORKERS (1),
TELLTALE_THREADS (4 request threads per worker), TELLTALE_TORCH_THREADS (CPU cores /
workers), TELLTALE_LOG_LEVEL (info; gunicorn's levels), plus the app's TELLTALE_*
settings (see server/settings.py). Command-line flags such as ``-b`` or ``-w``
override these.

Each worker imports the app after the fork (no preload), so each loads the model
once; ``/healthz`` answers 503 until its model is warm. SIGTERM stops accepting,
lets requests in flight finish (``graceful_timeout``), then exits.
"""

import os
import shutil
import sys
import tempfile


def _whole(name: str, default: str, lowest: int = 1, highest: int | None = None) -> int:
    """A TELLTALE_* whole number, or a one-line error and exit status 2."""
    raw = os.environ.get(name, default).strip()
    try:
        value = int(raw)
        if value < lowest or (highest is not None and value > highest):
            raise ValueError(raw)
    except ValueError:
        bound = f"between {lowest} and {highest}" if highest is not None else f"at least {lowest}"
        sys.stderr.write(f"telltale: {name}={raw!r} must be a whole number {bound}.\n")
        sys.exit(2)
    return value


# Writable scratch space in memory: gunicorn's worker heartbeat files and the metrics
# folder, so the image can run with a read-only root file system (/tmp need not be writable).
_scratch = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
worker_tmp_dir = _scratch

_host = os.environ.get("TELLTALE_HOST", "127.0.0.1")
_port = _whole("TELLTALE_PORT", "8765", 1, 65535)
bind = [f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"]
workers = _whole("TELLTALE_WORKERS", "1")
threads = _whole("TELLTALE_THREADS", "4")

# Metrics from all workers: prometheus-client's multiprocess mode reads this folder.
# It must be set before any worker imports prometheus_client (and after the checks
# above, which may stop the start).
_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir = tempfile.mkdtemp(prefix="telltale-metrics-", dir=_scratch)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
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
loglevel = os.environ.get("TELLTALE_LOG_LEVEL", "info")
proc_name = "telltale"
control_socket_disable = True  # no runtime control socket (and no clash between servers)


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def on_starting(server):
    """Refuse to listen beyond loopback without a token, before any worker starts."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from server.settings import ServerSettings, SettingsError, check_bind

    try:
        settings = ServerSettings.from_sources()
        token = settings.resolved_token()
        for address in server.cfg.bind:
            if not address.startswith(("unix:", "fd://")):
                check_bind(address.rsplit(":", 1)[0], token)
        if settings.model_path and not os.path.isdir(settings.model_path):
            raise SettingsError(f"TELLTALE_MODEL_PATH={settings.model_path} is not a folder; give the folder "
                                "written by `telltale train` (or unset it for the shipped model).")
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
