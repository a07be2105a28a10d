"""Call-back requests (« fiches de contact »), to be answered within 24 working hours."""
