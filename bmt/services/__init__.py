"""Use cases: one async function per command; each loads, asks the pure core, posts, and commits once.

Every function takes a ``UnitOfWork`` (the transaction) and an ``Actor`` (who asks, for which cooperative).
Money moves only through here.
"""
