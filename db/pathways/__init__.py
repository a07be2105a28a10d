"""Life pathways: monthly extracts, worklists, rebound offers and the funnel."""
