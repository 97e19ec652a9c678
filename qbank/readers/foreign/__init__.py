"""What every reader of a foreign format (Moodle XML, GIFT, QTI) shares.

- :mod:`.safexml`: untrusted XML, parsed with no entities, no DTD, no network and bounded size;
- :mod:`.html2md`: foreign HTML → qbank Markdown (math as LaTeX, images as files beside the bank);
- :mod:`.build`: the files an input carries (:class:`Media`), fragments with positions in the
  foreign file, valid ids derived from foreign ones, and the Markdown of a blank.
"""
