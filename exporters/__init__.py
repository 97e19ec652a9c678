"""qbank's own targets, one module each (installed as ``qbank.exporters``).

They register through the ``qbank.exporters`` entry-point group in ``pyproject.toml``; the
core finds them there and never imports them by name.
"""
