"""Make CKAN run without Solr, which cannot run on these machines (see tests/portal/README.md).

CKAN indexes every dataset it writes, synchronously, in its system plugin `synchronous_search`;
with no Solr there, every package_create would fail.  This plugin points CKAN's package index at
CKAN's own `NoopSearchIndex`, so writes go to PostgreSQL only.  Nothing else changes: reads by id
(`package_show`, `member_list`, `organization_list_for_user`, `license_list`) come from the
database as on any CKAN; `package_search` still needs Solr and fails, which the tests check, so a
publisher that quietly relied on search would fail here.
"""

from __future__ import annotations

import ckan.plugins as p
from ckan.lib import search
from ckan.lib.search.index import NoopSearchIndex


class TestPortalPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurable)

    def configure(self, config):
        search._INDICES["package"] = NoopSearchIndex
