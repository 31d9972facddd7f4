"""Developer machine / embedded default: SQLite and eager tasks unless the environment says otherwise."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
