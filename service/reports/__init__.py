"""Reports computed on demand from current data: the half-yearly Sachstandsbericht."""
