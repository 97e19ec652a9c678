"""Test-run settings shared by every test module."""

from __future__ import annotations

import os

from hypothesis import settings

# CI runs the property tests on the same examples every time (HYPOTHESIS_PROFILE=ci in .ci/run),
# so a submission passes or fails for what it changed; a local run explores new examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
