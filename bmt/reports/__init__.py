"""Read side and presentation: Indonesian formatting, terbilang, Jinja filters, and the one PDF adapter.

* ``formatting``: ``Rp1.234.567``, ``1.234.567,50``, ``12,50%``, amounts in words (terbilang), dates in
  Indonesian with the Hijri date beside them. Pure Python on ``Decimal``; no rounding is left to a library.
* ``jinja``: ``register_filters(env)`` adds those as Jinja filters; ``TEMPLATE_DIR`` and ``STATIC_DIR``.
* ``pdf``: ``render_pdf(html)`` / ``render_pdf_async(html)``, the only module that imports WeasyPrint.

Example:
    >>> from decimal import Decimal
    >>> from bmt.reports.formatting import format_rupiah, terbilang_rupiah
    >>> format_rupiah(Decimal("1500000.50"), sen=True)
    'Rp1.500.000,50'
    >>> terbilang_rupiah(Decimal("1500000.50"))
    'satu juta lima ratus ribu rupiah lima puluh sen'
"""
