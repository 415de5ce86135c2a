"""Rule and lexicon data files; read them with :func:`pipeline.resource.read_text`."""
