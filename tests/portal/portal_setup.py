"""Set up a fresh test CKAN: tables, one editor per organisation, API tokens. Runs in CKAN's venv.

    python -I portal_setup.py CKAN_INI SPEC_JSON

SPEC_JSON is {"organisations": [{"name": ..., "title": ...}, ...]}.  For each organisation this
creates a user who is an *editor* there (what an authority's staff get on avoindata.fi, not a
sysadmin) and an API token for that user, plus one user who is a member of no organisation.
Prints {"tokens": {organisation: token}, "outsider_token": token} as JSON on stdout.
One process does it all: every `ckan` CLI command would load CKAN again (about 4 s each).
It never imports dcatgen.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(ini: str, spec_file: str) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(ini)
    app = make_app(config)
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    with app._wsgi_app.test_request_context():
        import ckan.model as model
        from ckanapi import LocalCKAN

        model.repo.init_db()
        site = LocalCKAN()  # the site user, a sysadmin, acting in-process
        tokens: dict[str, str] = {}
        for organisation in spec["organisations"]:
            user = f"{organisation['name']}-editor"
            site.action.user_create(
                name=user, email=f"{user}@example.org", password="dcatgen-test-password"
            )
            # return_id_only: organization_show would count the datasets through Solr.
            site.call_action(
                "organization_create",
                {
                    "name": organisation["name"],
                    "title": organisation["title"],
                    "users": [{"name": user, "capacity": "editor"}],
                },
                context={**site.context, "return_id_only": True},
            )
            tokens[organisation["name"]] = site.action.api_token_create(user=user, name="dcatgen")[
                "token"
            ]
        site.action.user_create(
            name="outsider", email="outsider@example.org", password="dcatgen-test-password"
        )
        outsider = site.action.api_token_create(user="outsider", name="dcatgen")["token"]
    print(json.dumps({"tokens": tokens, "outsider_token": outsider}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
