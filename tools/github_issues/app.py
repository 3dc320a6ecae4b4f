"""List a GitHub repository's open issues, with the token injected by the host."""

import json
import re

import wit_world
from componentize_py_types import Err
from wit_world.imports import host, types

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
SCHEMA = {
    "type": "object",
    "properties": {
        "owner": {"type": "string", "description": "Repository owner, e.g. 'python'."},
        "repo": {"type": "string", "description": "Repository name, e.g. 'cpython'."},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
        "api_base": {"type": "string", "description": "GitHub Enterprise API base URL."},
    },
    "required": ["owner", "repo"],
    "additionalProperties": False,
}


class WitWorld(wit_world.WitWorld):
    def description(self) -> str:
        return (
            "Lists the open issues of a GitHub repository (number, title, author, labels, URL). "
            "Uses the user's github_token when one is stored, without ever seeing it."
        )

    def parameters_schema(self) -> str:
        return json.dumps(SCHEMA)

    def execute(self, params_json: str) -> str:
        params = json.loads(params_json)
        owner, repo = params.get("owner", ""), params.get("repo", "")
        if not (_NAME.match(owner) and _NAME.match(repo)):
            raise Err("owner and repo must be plain GitHub names")
        limit = int(params.get("limit", 10))
        base = params.get("api_base", "https://api.github.com").rstrip("/")
        if not host.secret_exists("github_token"):
            host.log(types.LogLevel.WARN, "no github_token stored: anonymous rate limits apply")
        url = f"{base}/repos/{owner}/{repo}/issues?state=open&per_page={limit}"
        headers = [
            types.Header("accept", "application/vnd.github+json"),
            types.Header("user-agent", "bastion-github-issues"),
        ]
        try:
            response = host.http_fetch(types.HttpRequest("GET", url, headers, None, 15_000))
        except Err as err:
            raise Err(f"GitHub request refused or failed: {err.value}") from None
        if response.status != 200:
            snippet = response.body[:200].decode("utf-8", "replace")
            raise Err(f"GitHub answered {response.status}: {snippet}")
        issues = [
            {
                "number": item.get("number"),
                "title": item.get("title"),
                "author": (item.get("user") or {}).get("login"),
                "labels": [label.get("name") for label in item.get("labels", [])],
                "url": item.get("html_url"),
            }
            for item in json.loads(response.body)
            if "pull_request" not in item
        ]
        return json.dumps({"repository": f"{owner}/{repo}", "open_issues": issues})
