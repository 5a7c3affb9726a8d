"""A pytest plugin (``-p tests.qgis_profile`` in pyproject.toml): QGIS runs the tests with a profile in a
temporary folder, not in the repository.

pytest-qgis puts its QGIS profile (settings, qgis.db, the authentication database qgis-auth.db) in
``<rootdir>/.qgis-settings`` and starts QGIS before any conftest is read. This plugin is imported earlier and
points that one step at a temporary folder, removed when the run ends.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest_qgis.plugin as qgis_plugin

PROFILE_ROOT = Path(tempfile.mkdtemp(prefix="veerkracht-qgis-profiel-"))
atexit.register(shutil.rmtree, PROFILE_ROOT, True)
_load_settings = qgis_plugin._load_qgis_settings


class _TemporaryRoot:
    """The pytest config as pytest-qgis sees it, with the temporary folder as its root."""

    def __init__(self, config):
        self._config = config
        self.rootpath = PROFILE_ROOT

    def __getattr__(self, name):
        return getattr(self._config, name)


def _load_settings_in_temporary_profile(config):
    _load_settings(_TemporaryRoot(config))


qgis_plugin._load_qgis_settings = _load_settings_in_temporary_profile
