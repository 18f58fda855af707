"""Machine-checkable DPS rules (domain.md §10) over the books: blocking rules raise ShariaViolation where the
posting happens; the others are validators that return ``Problem`` findings for the DPS review.

Modules (all pure: plain facts in, findings out):

* ``facts`` — the plain values the rules read (contracts, savings, chart, journal lines, ...);
* ``rules`` — one validator per rule and ``review(books)``;
* ``close_checks`` — what must hold before a month or a year is closed;
* ``shu`` — the division of the year's SHU by the articles (UU 25/1992 Ps. 45), Example G;
* ``reporting_period`` — the period a statement, a close or a review covers, and its comparative.
"""
