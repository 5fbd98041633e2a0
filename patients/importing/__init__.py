"""Reading prescription exports (docs/formats.md) and loading them into the database.

README.md in this folder describes the pipeline. The modules, in the order a
file passes them: ``detect`` (encoding, layout), ``readers`` (Arrow or the csv
module, chunk by chunk), ``rules`` and ``names`` (each row cleaned or rejected),
``keys`` (the row key), ``load`` (the entry points, one transaction),
``postgres`` and ``pgcopy`` (binary COPY into PostgreSQL).
"""

from .background import import_batch_start
from .detect import EMPTY, NOT_TEXT, FileRefused
from .load import (
    import_batch_claim,
    import_batch_prepare,
    import_batch_queue,
    import_batch_run,
    import_file,
)
from .readers import ExportReader, NotForArrow, open_export

__all__ = [
    "EMPTY", "NOT_TEXT", "ExportReader", "FileRefused", "NotForArrow", "import_batch_claim",
    "import_batch_prepare", "import_batch_queue", "import_batch_run", "import_batch_start",
    "import_file", "open_export",
]
