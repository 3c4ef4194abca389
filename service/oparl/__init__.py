"""OParl 1.1 both ways: the public server at ``/oparl/v1/`` and the import from a city's RIS."""
