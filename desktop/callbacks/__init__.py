"""The Rappels area: call-back requests (« fiches de contact ») taken and handled."""
