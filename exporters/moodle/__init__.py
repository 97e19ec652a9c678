"""Moodle's two import formats: Moodle XML (:mod:`.xmlformat`) and GIFT (:mod:`.gift`).

Both end up in Moodle's shared importer (``question/format.php``), so they share its rules:
category paths (:mod:`.categories`), the fixed list of grades (:mod:`.grades`), cloze text
(:mod:`.cloze`), text in plain-text places (:mod:`.text`) and the checks (:mod:`.checks`).
"""
