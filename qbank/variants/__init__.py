"""Varied (parametric) questions: variables, deterministic draws, values shown in text.

The parts, each usable on its own (the Markdown reader puts them together in
:mod:`qbank.readers.markdown.varied`):

- :mod:`.rng`: the versioned SHA-256 stream every draw comes from;
- :mod:`.decmath`, :mod:`.functions`: exact-decimal values, the functions and operators an
  expression may use, and the limits on every value;
- :mod:`.evaluate`: reading and checking a ```vars block, evaluating it with simpleeval;
- :mod:`.formatting`: ``{{V:.2f}}`` / ``{{V|sig=3}}`` and how a value is shown;
- :mod:`.substitute`: where the substitutions are in a question's lines, and one variant's text;
- :mod:`.report`: diagnostics of N variants told once, with the variants they concern.

Nothing is imported here, so reading a bank without varied questions never loads simpleeval.
"""
