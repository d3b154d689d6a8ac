"""The app's own settings, with collectstatic's output in the benchmark's temporary directory.

Everything else — DEBUG off, the database, sessions and caches — is exactly what production reads
from the environment (netvaerk_site/settings.py).
"""

import os

from netvaerk_site.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

# Tasks are kept, not run in the request: the report's refresh is a worker's job, and the
# benchmark measures what a user waits for. The scale-out check runs it as the worker would
# (bench/refresh.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
