"""A key split over string literals that code joins again is found, and redacted whole.

Splitting a token into ``"ghp_" + "…"`` is the known way past a push-protection scanner, and
what a hostile tool is told to do. Before this reading each literal was read alone, and no
part was a whole key.
"""

from __future__ import annotations

import random
import string

import pytest

from bastion.safety import LeakDetector
from bastion.safety.string_literals import joined_lists, literal_runs

_RNG = random.Random(31)


def _random(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


AWS_KEY = "AKIA" + _random(16, string.ascii_uppercase + string.digits)
GITHUB_TOKEN = "ghp_" + _random(36)
STRIPE_KEY = "sk_live_" + _random(32)


def _halves(secret: str, at: int) -> tuple[str, str]:
    return secret[:at], secret[at:]


SPLITS = {
    "javascript +": lambda a, b: f'const key = "{a}" + "{b}";',
    "python implicit, in parentheses": lambda a, b: f'TOKEN = (\n    "{a}"\n    "{b}"\n)',
    "php .": lambda a, b: f"$key = '{a}' . '{b}';",
    "lua ..": lambda a, b: f'local key = "{a}" .. "{b}"',
    "sql ||": lambda a, b: f"UPDATE creds SET v = '{a}' || '{b}' WHERE id = 1;",
    "vb &": lambda a, b: f'Dim k = "{a}" & "{b}"',
    "ruby <<": lambda a, b: f"key = '{a}' << '{b}'",
    "c continuation": lambda a, b: f'#define KEY "{a}" \\\n            "{b}"',
    "shell, side by side": lambda a, b: f"export KEY=\"{a}\"'{b}'",
    "java, + at a line's end": lambda a, b: f'String k = "{a}" +\n        "{b}";',
    "go, backticks": lambda a, b: f"k := `{a}` + `{b}`",
}


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


@pytest.mark.parametrize("style", sorted(SPLITS))
@pytest.mark.parametrize("secret", [AWS_KEY, GITHUB_TOKEN, STRIPE_KEY])
def test_a_key_split_over_joined_literals_is_redacted_whole(
    detector: LeakDetector, style: str, secret: str
) -> None:
    for at in (1, 4, len(secret) // 2, len(secret) - 2):
        text = SPLITS[style](*_halves(secret, at))
        scan = detector.scan(text)
        assert any(f.rule.startswith("concatenated:") for f in scan.findings), (style, at)
        a, b = _halves(secret, at)
        # Neither part is left in view (up to a preview's four characters at the edges).
        for part in (a, b):
            assert len(part) <= 4 or part not in scan.redacted, (style, at, scan.redacted)


def test_a_key_in_many_pieces_with_a_keyword_before_is_found(detector: LeakDetector) -> None:
    pieces = [GITHUB_TOKEN[i : i + 5] for i in range(0, len(GITHUB_TOKEN), 5)]
    text = 'headers = {"Authorization": "token " + ' + " + ".join(f'"{p}"' for p in pieces) + "}"
    scan = detector.scan(text)
    assert any(f.rule.startswith("concatenated:") for f in scan.findings)
    assert all(p not in scan.redacted for p in pieces[1:-1])


def test_base64_split_over_literals_is_decoded(detector: LeakDetector) -> None:
    import base64

    encoded = base64.b64encode(AWS_KEY.encode()).decode()
    scan = detector.scan(f'payload = "{encoded[:10]}" + "{encoded[10:]}"')
    assert any(f.rule.startswith("concatenated:base64:") for f in scan.findings)


@pytest.mark.parametrize(
    "text",
    [
        'greeting = "Hello, " + name + "!"',
        "path = '/usr/local' + '/bin'",
        'print("total: " + str(n) + " items")',
        "SELECT 'a' || 'b' || 'c' FROM t;",
        'label = "build-" + "2026.11.30" + "-" + "rc1"',
        'cmd = ["git", "commit", "-m", "fix"]',
        '{"id": "a1b2c3", "type": "user", "name": "x"}',
        "url = 'https://example.com/' + 'api/v2/' + 'items'",
    ],
)
def test_ordinary_joined_strings_stay_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_runs_give_each_literals_contents() -> None:
    data = b"""x = "ab" + 'cd' . `ef`;"""
    (run,) = literal_runs(data)
    assert [data[s:e] for s, e in run.contents] == [b"ab", b"cd", b"ef"]
    assert data[run.start : run.end] == b""""ab" + 'cd' . `ef`"""


def test_a_finding_inside_one_literal_is_not_reported_twice(detector: LeakDetector) -> None:
    # The whole key is in the first literal: the plain reading finds it; the joined one would
    # only repeat it under another name.
    scan = detector.scan(f'k = "{GITHUB_TOKEN}" + "-suffix"')
    assert [f.rule for f in scan.findings] == ["github_token"]


CHAINS = {
    "java StringBuilder.append": lambda a, b: f'sb.append("{a}").append("{b}");',
    "javascript .concat": lambda a, b: f'const key = "{a}".concat("{b}");',
}

# Lists of pieces joined by a call with nothing between the items.
LIST_JOINS = {
    "python ''.join([...])": lambda ps: "key = ''.join([" + ", ".join(f"'{p}'" for p in ps) + "])",
    'python "".join((...)) over lines': lambda ps: (
        'API_KEY = "".join((\n' + "".join(f'    "{p}",\n' for p in ps) + "))"
    ),
    "javascript [...].join('')": lambda ps: (
        "const token = [" + ", ".join(f"'{p}'" for p in ps) + "].join('');"
    ),
    "javascript, one item a line": lambda ps: (
        "const token = [\n" + "".join(f'  "{p}",\n' for p in ps) + '].join("")'
    ),
    "ruby bare .join": lambda ps: "key = [" + ", ".join(f'"{p}"' for p in ps) + "].join\n",
    "java String.join": lambda ps: (
        'String k = String.join("", ' + ", ".join(f'"{p}"' for p in ps) + ");"
    ),
    "c# string.Concat": lambda ps: (
        "var k = string.Concat(" + ", ".join(f'"{p}"' for p in ps) + ");"
    ),
    "c# string.Join, new[]": lambda ps: (
        'var k = string.Join("", new[] { ' + ", ".join(f'"{p}"' for p in ps) + " });"
    ),
    "sql CONCAT": lambda ps: "SELECT CONCAT(" + ", ".join(f"'{p}'" for p in ps) + ") AS k;",
    "php implode": lambda ps: "$k = implode('', [" + ", ".join(f"'{p}'" for p in ps) + "]);",
    "go strings.Join": lambda ps: 'k := strings.Join([]string{"' + '", "'.join(ps) + '"}, "")',
}


def _pieces(secret: str, size: int) -> list[str]:
    return [secret[i : i + size] for i in range(0, len(secret), size)]


@pytest.mark.parametrize("style", sorted(CHAINS))
@pytest.mark.parametrize("secret", [AWS_KEY, GITHUB_TOKEN, STRIPE_KEY])
def test_a_key_split_over_a_call_chain_is_redacted_whole(
    detector: LeakDetector, style: str, secret: str
) -> None:
    for at in (2, len(secret) // 2):
        a, b = _halves(secret, at)
        scan = detector.scan(CHAINS[style](a, b))
        assert any(f.rule.startswith("concatenated:") for f in scan.findings), (style, at)
        assert b not in scan.redacted
        assert len(a) <= 4 or a not in scan.redacted


@pytest.mark.parametrize("style", sorted(LIST_JOINS))
@pytest.mark.parametrize("secret", [AWS_KEY, GITHUB_TOKEN, STRIPE_KEY])
def test_a_key_split_over_a_list_that_a_call_joins_is_redacted_whole(
    detector: LeakDetector, style: str, secret: str
) -> None:
    for size in (4, 7, len(secret) // 2 + 1):
        pieces = _pieces(secret, size)
        scan = detector.scan(LIST_JOINS[style](pieces))
        found = [f for f in scan.findings if f.rule.startswith("concatenated:")]
        assert found, (style, size, scan.findings)
        # Every piece but an edge one short enough for a preview is gone from view.
        assert all(p not in scan.redacted for p in pieces[1:-1]), (style, size, scan.redacted)


def test_a_password_in_a_joined_list_is_read_with_its_name(detector: LeakDetector) -> None:
    password = _random(12) + "9Qz"
    text = 'db_password = "".join([\n    "' + password[:7] + '",\n    "' + password[7:] + '",\n])'
    scan = detector.scan(text)
    assert [f.rule for f in scan.findings] == ["concatenated:password_assignment"]
    assert password[:7] not in scan.redacted
    assert password[7:] not in scan.redacted


@pytest.mark.parametrize(
    "text",
    [
        # Joined with a separator, a list is not the key its items would spell.
        f'k = ["{AWS_KEY[:8]}", "{AWS_KEY[8:]}"].join("-")',
        f'k = ["{AWS_KEY[:8]}", "{AWS_KEY[8:]}"].join()',
        f'k = ", ".join(["{AWS_KEY[:8]}", "{AWS_KEY[8:]}"])',
        f'k := strings.Join([]string{{"{AWS_KEY[:8]}", "{AWS_KEY[8:]}"}}, "/")',
        # Not joined at all: a JSON array, a function's arguments.
        f'{{"parts": ["{AWS_KEY[:8]}", "{AWS_KEY[8:]}"]}}',
        f'print("{AWS_KEY[:8]}", "{AWS_KEY[8:]}")',
        # A list whose first item is not a literal is not read from a later one.
        f'k = [prefix, "{AWS_KEY[:8]}", "{AWS_KEY[8:]}"].join("")',
    ],
)
def test_lists_not_joined_into_one_value_are_not_read_joined(
    detector: LeakDetector, text: str
) -> None:
    assert not any(f.rule.startswith("concatenated:") for f in detector.scan(text).findings)


@pytest.mark.parametrize(
    "text",
    [
        "words = ''.join(['Hello', ', ', 'world'])",
        "classes = ['btn', 'btn-primary', 'active'].join('')",
        "SELECT CONCAT(first_name, ' ', last_name) FROM users;",
        "SELECT CONCAT('v', '2026.11', '-rc1');",
        'path = "".join(["/usr", "/local", "/bin"])',
        'id := strings.Join([]string{"user", "42", "profile"}, "")',
    ],
)
def test_ordinary_lists_joined_stay_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_joined_lists_give_each_items_contents_and_the_call() -> None:
    data = b"""k = "".join(["ab", 'cd',\n  `ef`])  # end"""
    (run,) = joined_lists(data)
    assert [data[s:e] for s, e in run.contents] == [b"ab", b"cd", b"ef"]
    assert run.call is not None
    assert data[run.call[0] : run.call[1]] == b"""\"\".join(["ab", 'cd',\n  `ef`])"""
