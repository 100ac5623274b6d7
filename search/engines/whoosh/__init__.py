"""The embedded engine: everything that imports whoosh (see engine.py for its parts)."""
from search.engines.whoosh import readers

# Before any index is read: a multi-segment index expands fuzzy words as a one-segment one.
readers.install()
