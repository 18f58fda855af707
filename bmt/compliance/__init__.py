"""Machine-checkable DPS rules (domain.md §10) over the books: blocking rules raise ShariaViolation where the
posting happens; the others are validators that return ``Problem`` findings for the DPS review."""
