import pytest

from leaflet.errors import UsageError
from leaflet.units import format_length, parse_length


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("3mm", 8.50394),
        ("0.125in", 9.0),
        ("9pt", 9.0),
        ("1cm", 28.34646),
        ("12", 12.0),
        (" 2.5 mm ", 7.08661),
        ("-1pt", -1.0),
    ],
)
def test_parse_length_in_points(text: str, points: float) -> None:
    assert parse_length(text) == pytest.approx(points, abs=1e-4)


@pytest.mark.parametrize("text", ["", "mm", "3 furlongs", "1..2mm", "three mm"])
def test_parse_length_rejects_nonsense(text: str) -> None:
    with pytest.raises(UsageError, match="cannot read length"):
        parse_length(text)


def test_format_length_round_trips() -> None:
    assert format_length(parse_length("3mm")) == "3mm"
    assert format_length(parse_length("0.125in"), "in") == "0.125in"
