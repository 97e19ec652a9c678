"""``qbank build``: every bank to every target, reproducibly, in parallel and with a cache.

The pieces, each small:

- :mod:`~qbank.build.plan`: which banks, which targets, which artifact names;
- :mod:`~qbank.build.fingerprint`: content hashes of sources and of the code that renders them;
- :mod:`~qbank.build.cache`: the on-disk cache (per-bank records, artifact blobs);
- :mod:`~qbank.build.memo`: the on-disk memo (a :class:`qbank.render.Memo`) of each bank's rendering results;
- :mod:`~qbank.build.worker`: one bank read, linted and exported to every target;
- :mod:`~qbank.build.outcome`: what building one bank gave (computed or from the cache);
- :mod:`~qbank.build.parallel`: running the banks across processes;
- :mod:`~qbank.build.manifest`: ``manifest.json``;
- :mod:`~qbank.build.publish`: writing ``dist/`` atomically, or comparing it (``--check``);
- :mod:`~qbank.build.progress`: the progress bar;
- :mod:`~qbank.build.engine`: all of the above, in order.
"""
