"""Environment files and their validated, frozen model (no cdktf imports here).

Every ``environments/<name>.toml`` is one environment; its name is the file name.
"""

from platform_plan.phases import PHASES

from .config import ENVIRONMENT_NAME_PATTERN, EnvironmentConfig
from .loader import ENVIRONMENTS_DIR, ConfigError, environment_files, load_all, load_environment, parse_environment

__all__ = [
    "ENVIRONMENTS_DIR",
    "ENVIRONMENT_NAME_PATTERN",
    "PHASES",
    "ConfigError",
    "EnvironmentConfig",
    "environment_files",
    "load_all",
    "load_environment",
    "parse_environment",
]
