"""The data lifecycle: the audit journal read by administrators, the retention purge and the
anonymisation of a person. Above every area: it reads and removes what they hold."""
