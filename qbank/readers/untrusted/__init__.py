"""Reading files that come from elsewhere: zip packages, XML and HTML, all untrusted.

Every foreign reader (Canvas QTI 1.2, QTI 2.1/3.0) goes through these modules, so the
safety rules hold in one place:

- :mod:`.archive`: a zip is refused whole (``E702``) for a member that escapes the package
  (absolute path, ``..``), a symbolic link, a duplicate name, or sizes past the limits
  (members, bytes per member, bytes in all, compression ratio); sizes are enforced while
  reading, not taken from the zip's own headers.
- :mod:`.xmlparse`: XML is parsed without entity expansion, DTD loading or network access,
  with libxml2's default size limits; a document that declares entities is refused.
- :mod:`.html`: foreign HTML becomes a :class:`~qbank.models.Fragment`: formulas (Canvas
  equation images, ``\\(...\\)``, MathML with a TeX annotation) become math, package images
  become images, and the rest is sanitised with the allow-list of :mod:`qbank.render`.

Problems are diagnostics (:class:`.report.Report`), never exceptions.
"""
