"""The Agenda area: calendars, booking, appointments, workshops, lists and iCal export."""
