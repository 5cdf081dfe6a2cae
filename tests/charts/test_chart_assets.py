"""The plotly bundle is our own build, served compressed and versioned; figures stay slim."""
import json

import plotly.graph_objects as go

from app.assets import VENDOR, digest
from app.charts import OCCASION_STYLE, figure_json, new_figure


def test_bundle_is_built_and_draws_radar_charts():
    bundle = (VENDOR / "plotly.min.js").read_text(encoding="utf-8")
    # No npm partial bundle has scatterpolar, and a radar drawn without it stays silently empty.
    assert '"scatterpolar"' in bundle or "'scatterpolar'" in bundle


def test_bundle_is_served_precompressed_with_long_cache(client):
    version = digest("plotly.min.js")
    response = client.get(f"/assets/vendor/{version}/plotly.min.js", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert len(response.data) < (VENDOR / "plotly.min.js").stat().st_size / 2


def test_bundle_without_compression_or_with_stale_version(client):
    version = digest("plotly.min.js")
    plain = client.get(f"/assets/vendor/{version}/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert client.get("/assets/vendor/000000000000/plotly.min.js").status_code == 404
    assert client.get(f"/assets/vendor/{version}/secrets.txt").status_code == 404


def test_slim_template_keeps_figure_json_small():
    figure = new_figure()
    figure.add_trace(go.Scatterpolar(r=[1, 5, 9], theta=["a", "b", "c"], name="intake"))
    payload = figure_json(figure)
    assert len(payload) < 1500  # plotly's default template alone is ~6.6 KB
    assert json.loads(payload)["data"][0]["type"] == "scatterpolar"


def test_every_occasion_has_its_own_colour_and_dash():
    styles = list(OCCASION_STYLE.values())
    assert len({style.colour for style in styles}) == len(styles) == 4
    assert len({style.dash for style in styles}) == 4
