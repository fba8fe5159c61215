"""The execution option that makes a SQLite transaction take the write lock at BEGIN.

`Database` installs the "begin" hook that reads it; the migrations, reference numbers and
the audit chain set or check it. It has its own module so that those need not import
`khidma.storage.db`, which imports the migrations (an import cycle).
"""

# Read by the SQLite "begin" hook: the transaction takes the database write lock at
# BEGIN (BEGIN IMMEDIATE) instead of at its first write.
WRITE_LOCK = "khidma_write_lock"
