"""The knowledge core: items of every kind, their facets, links, versions, files and access."""
