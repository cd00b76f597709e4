"""The web layer: the app's middleware, dependencies, routing helpers, forms and templates."""
