"""The Flask extensions every part of the web layer shares: CSRF protection and the htmx
request helper. They live here, not in `khidma.app`, so a view can use them without
importing the app factory (which imports every view: an import cycle)."""

from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
htmx = HTMX()
