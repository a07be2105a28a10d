"""The Médiation area: case list, case file, intake, steps, letters and yearly figures."""
