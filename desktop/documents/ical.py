"""iCalendar files of appointments: built by the core (``db.agenda.ical``), where the
messages to people attach them too; this name stays for the screens and the command line."""

from db.agenda.ical import (
    KIND_SUMMARIES,
    PRODUCT_ID,
    invitation_cancel,
    invitation_request,
    location,
    publish,
    summary,
    vtimezone,
)

__all__ = ["KIND_SUMMARIES", "PRODUCT_ID", "invitation_cancel", "invitation_request",
           "location", "publish", "summary", "vtimezone"]
