"""The Tableau de bord area: a month's figures for managers, the lists behind them, and the
monthly report."""
