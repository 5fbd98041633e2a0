"""Dutch date formats: one per kind (docs/development.md#dates).

Django reads this module through ``FORMAT_MODULE_PATH``; names not set here
fall back to Django's own Dutch formats. Pages use the ``date`` filter without
an argument for a date and ``|date:"DATETIME_FORMAT"`` for a moment; Python
code uses ``benzoproject.formats.format_date`` / ``format_datetime``.
"""

DATE_FORMAT = "d-m-Y"  # 30-11-2026
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "d-m-Y H:i"  # 30-11-2026 14:05
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
