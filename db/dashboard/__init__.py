"""The managers' dashboard and the monthly report: the office's figures for one month."""
