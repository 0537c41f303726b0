"""The preview (`make serve`): MkDocs' live-reloading server, with a builder that rebuilds only
what an edit changes (builder.py), from what changed since the last build (sources.py)."""
