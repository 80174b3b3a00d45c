"""``telltale serve``: run the scoring server under gunicorn with the repository's config.

``scorer/cli.py`` calls ``add_arguments(parser)`` to build the sub-command and
``main(args)`` to run it. ``main`` checks the settings first (so a bad bind fails
with a clear message), then replaces this process with gunicorn, so signals such as
SIGTERM reach gunicorn's master directly (graceful shutdown).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .settings import DEFAULT_HOST, DEFAULT_PORT, ServerSettings, SettingsError, check_bind

GUNICORN_CONF = Path(__file__).with_name("gunicorn.conf.py")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    parser.add_argument("--host", default=env("TELLTALE_HOST", DEFAULT_HOST),
                        help="address to listen on (default %(default)s; anything but loopback needs a token)")
    # string defaults from the environment go through `type` too: a bad value is a usage error
    parser.add_argument("--port", type=int, default=env("TELLTALE_PORT", str(DEFAULT_PORT)),
                        help="port (default %(default)s, the extension's default)")
    parser.add_argument("--workers", type=int, default=env("TELLTALE_WORKERS", "1"),
                        help="worker processes, each with its own model (default %(default)s)")
    parser.add_argument("--threads", type=int, default=env("TELLTALE_THREADS", "4"),
                        help="request threads per worker (default %(default)s)")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch threads per worker (default: CPU cores / workers)")
    parser.add_argument("--token-file", default=None,
                        help="file holding the team token (or set TELLTALE_TOKEN); turns on team mode")
    parser.add_argument("--model", default=None, help="model folder from `telltale train` (default: shipped model)")
    parser.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                        help="extra exact origin allowed by CORS (repeatable); extension origins are always allowed")


def main(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    env.update({
        "TELLTALE_HOST": args.host,
        "TELLTALE_PORT": str(args.port),
        "TELLTALE_WORKERS": str(args.workers),
        "TELLTALE_THREADS": str(args.threads),
    })
    if args.torch_threads is not None:
        env["TELLTALE_TORCH_THREADS"] = str(args.torch_threads)
    if args.token_file:
        env["TELLTALE_TOKEN_FILE"] = args.token_file
    if args.model:
        env["TELLTALE_MODEL_PATH"] = args.model
    if args.cors_origin:
        env["TELLTALE_CORS_ORIGINS"] = ",".join(args.cors_origin)
    try:
        if args.workers < 1 or args.threads < 1:
            raise SettingsError("--workers and --threads must be at least 1.")
        check_bind(args.host, ServerSettings.from_sources(environ=env).resolved_token())
    except SettingsError as exc:
        print(f"telltale serve: {exc}", file=sys.stderr)
        return 2
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "server:create_app()"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvpe(argv[0], argv, env)
    return 0  # pragma: no cover - exec does not return


if __name__ == "__main__":
    _parser = argparse.ArgumentParser(prog="python -m server.cli", description=__doc__.splitlines()[0])
    add_arguments(_parser)
    sys.exit(main(_parser.parse_args()))
