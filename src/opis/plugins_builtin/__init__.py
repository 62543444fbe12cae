"""opis's own features as default plugins: one module per hook family, each a few ``@hookimpl``
functions that list the built-in modules (imported when the hook is first called)."""
