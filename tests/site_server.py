"""The static server of the built site, for the tests that import it from here: it lives in
scripts/site_server.py, beside the scripts that serve the site too (`make audit`,
`make lighthouse`), which must not depend on the tests.
"""

from __future__ import annotations

from site_server import SiteHandler, serve

__all__ = ["SiteHandler", "serve"]
