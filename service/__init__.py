"""The ratsflow service: persistence, API, scheduler, mail, audit, CLI and web pages."""
