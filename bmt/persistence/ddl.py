"""Database-side guards, installed by the migrations: the ledger's rules enforced a second time.

* PostgreSQL: a DEFERRABLE INITIALLY DEFERRED constraint trigger checks at COMMIT that every journal entry's
  lines sum to zero and that it has at least two lines.
* Both databases: journal entries, journal lines and the audit log refuse UPDATE and DELETE (append-only);
  an entry dated on or before the cooperative's ``ledger_lock.closed_through`` is refused.
* SQLite has no deferred triggers; there the balance rule is checked in code inside the ``BEGIN IMMEDIATE``
  transaction (bmt.ledger.check_balanced) before the lines are written.
"""

APPEND_ONLY_TABLES = ("journal_entry", "journal_line", "audit_event")

PG_UP = [
    """
    CREATE OR REPLACE FUNCTION bmt_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'append-only: % rows cannot be changed or deleted; post a reversal instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
    END $$;
    """,
    """
    CREATE OR REPLACE FUNCTION bmt_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE s bigint; n integer;
    BEGIN
      SELECT coalesce(sum(amount_sen), 0), count(*) INTO s, n FROM journal_line WHERE entry_id = NEW.entry_id;
      IF s <> 0 OR n < 2 THEN
        RAISE EXCEPTION 'unbalanced journal entry %: lines sum to % sen over % lines', NEW.entry_id, s, n
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER journal_line_balanced AFTER INSERT ON journal_line
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bmt_check_entry_balanced();
    """,
    """
    CREATE OR REPLACE FUNCTION bmt_refuse_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE c date;
    BEGIN
      SELECT closed_through INTO c FROM ledger_lock WHERE cooperative_id = NEW.cooperative_id;
      IF c IS NOT NULL AND NEW.value_date <= c THEN
        RAISE EXCEPTION 'period closed: no postings on or before %', c USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    """,
    """
    CREATE TRIGGER journal_entry_open_period BEFORE INSERT ON journal_entry
      FOR EACH ROW EXECUTE FUNCTION bmt_refuse_closed_period();
    """,
] + [
    f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION bmt_refuse_change();"
    for t in APPEND_ONLY_TABLES
]

PG_DOWN = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY_TABLES] + [
    "DROP TRIGGER IF EXISTS journal_entry_open_period ON journal_entry;",
    "DROP TRIGGER IF EXISTS journal_line_balanced ON journal_line;",
    "DROP FUNCTION IF EXISTS bmt_refuse_closed_period();",
    "DROP FUNCTION IF EXISTS bmt_check_entry_balanced();",
    "DROP FUNCTION IF EXISTS bmt_refuse_change();",
]

SQLITE_UP = [
    f"""CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t}
        BEGIN SELECT RAISE(ABORT, 'append-only: {t} rows cannot be changed or deleted; post a reversal instead'); END;"""
    for t in APPEND_ONLY_TABLES
    for op in ("UPDATE", "DELETE")
] + [
    """CREATE TRIGGER journal_entry_open_period BEFORE INSERT ON journal_entry
       WHEN NEW.value_date <= (SELECT closed_through FROM ledger_lock WHERE cooperative_id = NEW.cooperative_id)
       BEGIN SELECT RAISE(ABORT, 'period closed: no postings into a closed day or period'); END;""",
]

SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()};" for t in APPEND_ONLY_TABLES for op in ("UPDATE", "DELETE")] + [
    "DROP TRIGGER IF EXISTS journal_entry_open_period;"
]


def statements(dialect: str, *, up: bool = True) -> list[str]:
    """The guard DDL for a dialect name (``postgresql`` or ``sqlite``)."""
    if dialect == "postgresql":
        return PG_UP if up else PG_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    raise ValueError(f"unsupported database dialect: {dialect}")
