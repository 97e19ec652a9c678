"""QTI 2.1 / 3.0 reader (in progress)."""

from qbank.readers import Reader
