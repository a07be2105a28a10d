"""Pre-call preparation (DOMAIN.md): every physical appointment is prepared by a phone call."""
