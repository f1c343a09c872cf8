"""Environment files and their validated, frozen model (no cdktf imports here)."""

from .config import ENVIRONMENT_NAMES, PHASES, EnvironmentConfig
from .loader import ENVIRONMENTS_DIR, ConfigError, load_all, load_environment, parse_environment

__all__ = [
    "ENVIRONMENTS_DIR",
    "ENVIRONMENT_NAMES",
    "PHASES",
    "ConfigError",
    "EnvironmentConfig",
    "load_all",
    "load_environment",
    "parse_environment",
]
