"""Statistics of a text: a pure function, with no capabilities at all."""

import heapq  # noqa: F401 - Counter.most_common imports it lazily: it must be imported at build time
import json
import re
from collections import Counter

import wit_world
from componentize_py_types import Err

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_SENTENCE = re.compile(r"[.!?]+(?:\s|$)")
SCHEMA = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "maxLength": 1_000_000},
        "top": {"type": "integer", "minimum": 0, "maximum": 50, "default": 5},
    },
    "required": ["text"],
    "additionalProperties": False,
}


class WitWorld(wit_world.WitWorld):
    def description(self) -> str:
        return "Counts words, sentences, characters and lines of a text and lists its top words."

    def parameters_schema(self) -> str:
        return json.dumps(SCHEMA)

    def execute(self, params_json: str) -> str:
        params = json.loads(params_json)
        text = params.get("text")
        if not isinstance(text, str):
            raise Err("text must be a string")
        words = [w.lower() for w in _WORD.findall(text)]
        top = Counter(words).most_common(int(params.get("top", 5)))
        return json.dumps(
            {
                "characters": len(text),
                "words": len(words),
                "sentences": len(_SENTENCE.findall(text)) or (1 if words else 0),
                "lines": text.count("\n") + 1 if text else 0,
                "top_words": [{"word": w, "count": c} for w, c in top],
                "reading_minutes": round(len(words) / 230, 1),
            }
        )
