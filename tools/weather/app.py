"""Current weather for a coordinate, from one JSON API (Open-Meteo, no key needed)."""

import json

import wit_world
from componentize_py_types import Err
from wit_world.imports import host, types

SCHEMA = {
    "type": "object",
    "properties": {
        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
    },
    "required": ["latitude", "longitude"],
    "additionalProperties": False,
}


class WitWorld(wit_world.WitWorld):
    def description(self) -> str:
        return "Current temperature, wind and weather code at a latitude/longitude (Open-Meteo)."

    def parameters_schema(self) -> str:
        return json.dumps(SCHEMA)

    def execute(self, params_json: str) -> str:
        params = json.loads(params_json)
        try:
            lat, lon = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError):
            raise Err("latitude and longitude must be numbers") from None
        url = (
            "https://api.open-meteo.com/v1/forecast"
            f"?latitude={lat:.4f}&longitude={lon:.4f}&current_weather=true"
        )
        try:
            response = host.http_fetch(types.HttpRequest("GET", url, [], None, 10_000))
        except Err as err:
            raise Err(f"weather request refused or failed: {err.value}") from None
        if response.status != 200:
            raise Err(f"Open-Meteo answered {response.status}")
        current = json.loads(response.body).get("current_weather") or {}
        keep = ("temperature", "windspeed", "winddirection", "weathercode", "time")
        return json.dumps({"latitude": lat, "longitude": lon} | {k: current.get(k) for k in keep})
