"""qbank: quiz questions in Markdown + LaTeX, exported to Canvas, QTI, Moodle and HTML."""

__version__ = "0.1.0"
