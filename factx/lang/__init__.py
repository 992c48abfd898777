"""Language data files (one TOML file per language); read by ``factx._lang``."""
