"""The agenda: set-up, free slots, appointments and their lifecycle, workshops."""
