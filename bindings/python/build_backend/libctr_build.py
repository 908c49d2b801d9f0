# SPDX-License-Identifier: LGPL-2.1-or-later
"""PEP 517 backend: setuptools, found without a network.

pip builds in an isolated environment and would download setuptools (and
wheel) into it; on machines without a package index that fails.  This shim
declares no build requirements and uses the interpreter's own setuptools and
wheel (Debian: python3-setuptools, python3-wheel), which isolation hides.
"""
import site
import sys

try:
    import setuptools  # noqa: F401
except ImportError:
    for d in site.getsitepackages([sys.base_prefix]):
        if d not in sys.path:
            sys.path.append(d)

from setuptools import build_meta as _orig
from setuptools.build_meta import *  # noqa: F401,F403,E402


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


prepare_metadata_for_build_wheel = _orig.prepare_metadata_for_build_wheel
build_wheel = _orig.build_wheel
build_sdist = _orig.build_sdist
