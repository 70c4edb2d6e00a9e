"""A schematic map of Budapest in 1956, drawn as SVG from the story's places (story/places.yaml).

No tiles, no downloads: the Danube, its 1956 bridges, the Grand Boulevard and the district names are a
handful of approximate coordinates below; the story's places are numbered markers with a legend. A place
far from all the others (Tököl, 20 km south) is an arrow at the edge with its distance. Pure: returns text.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape

import attrs

from engine.core.model import Place, Story

KM_PER_DEG_LAT = 110.57

# (lat, lon) along the river, north to south: the main channel west of Csepel island, and the
# Ráckeve (Soroksár) branch east of it. Approximate, to about 200 m.
DANUBE = ((47.575, 19.058), (47.560, 19.056), (47.545, 19.051), (47.531, 19.048), (47.520, 19.046),
          (47.513, 19.044), (47.505, 19.043), (47.499, 19.043), (47.492, 19.048), (47.486, 19.057),
          (47.478, 19.064), (47.468, 19.068), (47.458, 19.066), (47.448, 19.058), (47.438, 19.048),
          (47.425, 19.036), (47.405, 19.022), (47.385, 19.004), (47.360, 18.975), (47.335, 18.945),
          (47.310, 18.925))
SOROKSAR_BRANCH = ((47.467, 19.068), (47.462, 19.073), (47.452, 19.085), (47.438, 19.097), (47.420, 19.106),
                   (47.395, 19.110), (47.365, 19.104), (47.335, 19.090), (47.310, 19.080))
MARGARET_ISLAND = ((47.5315, 19.0500), (47.5255, 19.0505), (47.5185, 19.0480), (47.5135, 19.0455),
                   (47.5160, 19.0440), (47.5230, 19.0450), (47.5300, 19.0470))
GRAND_BOULEVARD = ((47.5125, 19.0505), (47.5100, 19.0565), (47.5053, 19.0636), (47.4965, 19.0705),
                   (47.4862, 19.0705), (47.4785, 19.0660))
# The bridges standing in 1956 (Elisabeth Bridge lay in ruins from 1945 until 1964).
BRIDGES = (
    ("Árpád Bridge (then Stalin Bridge)", 47.5365, 19.0490),
    ("Margaret Bridge", 47.5135, 19.0443),
    ("Kossuth Bridge (temporary)", 47.5050, 19.0432),
    ("Chain Bridge", 47.4990, 19.0433),
    ("Liberty Bridge", 47.4862, 19.0575),
    ("Petőfi Bridge", 47.4775, 19.0645),
)
DISTRICTS = (
    ("Buda", 47.500, 19.020, True), ("Pest", 47.503, 19.098, True),
    ("Óbuda", 47.545, 19.030, False), ("Lipótváros", 47.512, 19.052, False),
    ("Terézváros", 47.509, 19.066, False), ("Erzsébetváros", 47.501, 19.072, False),
    ("Józsefváros", 47.491, 19.086, False), ("Ferencváros", 47.479, 19.078, False),
    ("Kőbánya", 47.488, 19.135, False), ("Újbuda", 47.470, 19.040, False),
    ("Csepel", 47.447, 19.088, False), ("Angyalföld", 47.535, 19.075, False),
)

FAR_KM = 5.0  # a place further than this from every other one is drawn at the edge, not to scale
PAD_KM = 1.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat0 = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * KM_PER_DEG_LAT
    dx = (a[1] - b[1]) * KM_PER_DEG_LAT * math.cos(lat0) * 1.0027
    return math.hypot(dx, dy)


@attrs.frozen
class Frame:
    """The part of the city shown, and how degrees become pixels."""

    south: float
    north: float
    west: float
    east: float
    width: float

    @property
    def kx(self) -> float:  # km per degree of longitude here
        return KM_PER_DEG_LAT * math.cos(math.radians((self.south + self.north) / 2)) * 1.0027

    @property
    def scale(self) -> float:  # pixels per km
        return self.width / ((self.east - self.west) * self.kx)

    @property
    def height(self) -> float:
        return (self.north - self.south) * KM_PER_DEG_LAT * self.scale

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return ((lon - self.west) * self.kx * self.scale, (self.north - lat) * KM_PER_DEG_LAT * self.scale)

    def inside(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def split_places(places: Sequence[Place]) -> tuple[list[Place], list[Place]]:
    """The places drawn to scale, and the far ones drawn as arrows at the edge."""
    if len(places) < 2:
        return list(places), []
    near: list[Place] = []
    far: list[Place] = []
    for place in places:
        nearest = min(_km((place.lat, place.lon), (o.lat, o.lon)) for o in places if o is not place)
        (far if nearest > FAR_KM else near).append(place)
    return (near, far) if near else (list(places), [])


def frame_for(places: Sequence[Place], width: float) -> Frame:
    if not places:  # a story without places: central Budapest
        return Frame(47.470, 47.525, 19.010, 19.100, width)
    lats, lons = [p.lat for p in places], [p.lon for p in places]
    mid = math.radians(sum(lats) / len(lats))
    pad_lat = PAD_KM / KM_PER_DEG_LAT
    pad_lon = PAD_KM / (KM_PER_DEG_LAT * math.cos(mid))
    south, north = min(lats) - pad_lat, max(lats) + pad_lat
    west, east = min(lons) - pad_lon, max(lons) + pad_lon
    # Not too tall: widen to at least 4:5 (width:height), around the middle.
    km_w = (east - west) * KM_PER_DEG_LAT * math.cos(mid)
    km_h = (north - south) * KM_PER_DEG_LAT
    if km_w < 0.8 * km_h:
        grow = (0.8 * km_h - km_w) / 2 / (KM_PER_DEG_LAT * math.cos(mid))
        west, east = west - grow, east + grow
    elif km_h < 0.6 * km_w:
        grow = (0.6 * km_w - km_h) / 2 / KM_PER_DEG_LAT
        south, north = south - grow, north + grow
    return Frame(south, north, west, east, width)


def _points(frame: Frame, line: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (frame.xy(lat, lon) for lat, lon in line))


def _bearing_word(a: Place, b: Place) -> str:
    dy, dx = b.lat - a.lat, (b.lon - a.lon) * math.cos(math.radians(a.lat))
    angle = math.degrees(math.atan2(dx, dy)) % 360
    return ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")[
        int((angle + 22.5) // 45) % 8]


def numbered(story: Story) -> dict[str, int]:
    """Each place's number on every map: its order in the story's places."""
    return {place_id: i for i, place_id in enumerate(story.places, start=1)}


def svg_map(story: Story, highlight: Collection[str] | None = None, *, title: str = "",
            width: float = 460, legend: bool = True, map_id: str = "map") -> str:
    """The map as an inline SVG element. With `highlight`, those places are drawn strong and listed;
    the others stay faint and unlisted. Every listed place's English and Hungarian names are text in the SVG."""
    places = list(story.places.values())
    numbers = numbered(story)
    near, far = split_places(places)
    frame = frame_for(near, width)
    listed = [p for p in places if highlight is None or p.id in highlight]
    title = title or f"Map of Budapest in 1956: the places of {story.title}"
    legend_w = 260 if legend else 0
    line_h = 17
    legend_lines = sum(2 if p.hu and p.hu != p.name else 1 for p in listed)
    height = max(frame.height, 30 + legend_lines * line_h + len(listed) * 4) if legend else frame.height
    total_w = width + legend_w
    out: list[str] = []
    add = out.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" viewBox="0 0 {total_w:.0f} {height:.0f}" '
        f'width="{total_w:.0f}" height="{height:.0f}" aria-labelledby="{map_id}-title {map_id}-desc">')
    desc = "; ".join(f"{numbers[p.id]}: {p.name}" for p in listed)
    add(f'<title id="{map_id}-title">{escape(title)}</title>')
    add(f'<desc id="{map_id}-desc">A schematic map, not to survey accuracy. Places: {escape(desc)}.</desc>')
    add('<style>.map text{font-family:"DejaVu Sans",Arial,sans-serif;fill:#000}'
        '.map .small{font-size:11px}.map .district{font-size:12px;font-style:italic;fill:#333}'
        '.map .side{font-size:20px;font-weight:bold;fill:#333;letter-spacing:3px}'
        '.map .num{font-size:11px;font-weight:bold;fill:#fff}.map .faint .num{fill:#333}'
        '.map .halo{paint-order:stroke;stroke:#fff;stroke-width:3px}</style>')
    add(f'<rect x="0" y="0" width="{width:.0f}" height="{frame.height:.0f}" fill="#fff" stroke="#000"/>')
    add(f'<clipPath id="{map_id}-clip"><rect x="0" y="0" width="{width:.0f}" height="{frame.height:.0f}"/></clipPath>')
    add(f'<g clip-path="url(#{map_id}-clip)">')
    river = 0.28 * frame.scale  # the Danube is about 300 m wide in Budapest
    for line in (DANUBE, SOROKSAR_BRANCH):
        add(f'<polyline points="{_points(frame, line)}" fill="none" stroke="#8fb8de" stroke-width="{max(river, 5):.1f}" '
            'stroke-linejoin="round" stroke-linecap="round"/>')
    add(f'<polygon points="{_points(frame, MARGARET_ISLAND)}" fill="#fff" stroke="none"/>')
    add(f'<polyline points="{_points(frame, GRAND_BOULEVARD)}" fill="none" stroke="#777" stroke-width="3" '
        'stroke-dasharray="6 3"/>')
    bridge_half = max(river, 5) * 0.8
    for name, lat, lon in BRIDGES:
        if frame.inside(lat, lon):
            x, y = frame.xy(lat, lon)
            add(f'<line x1="{x - bridge_half:.1f}" y1="{y:.1f}" x2="{x + bridge_half:.1f}" y2="{y:.1f}" '
                f'stroke="#000" stroke-width="3"><title>{escape(name)}</title></line>')
    spots = _spread([frame.xy(p.lat, p.lon) for p in near], 18.0, width, frame.height)
    taken = [(x - 10, y - 10, x + 10, y + 10) for x, y in spots]  # the markers, and what is drawn below
    far_boxes = [_far_label_box(place, near, frame, width) for place in far]
    # the scale bar bottom left, or bottom right when a far place's arrow is there
    bar_x = 10.0
    if any(_overlaps((6, frame.height - 32, 14 + max(frame.scale, 40), frame.height - 6), b) for b in far_boxes):
        bar_x = width - 10 - max(frame.scale, 40)
    taken += [(bar_x - 4, frame.height - 32, bar_x + 4 + max(frame.scale, 40), frame.height - 6),
              (width - 34, 6, width - 2, 28), *far_boxes]
    if frame.inside(47.466, 19.068):
        x, y = frame.xy(47.466, 19.068)
        box = (x - 12, y - 50, x + 8, y + 4)  # "Danube", turned to run along the river
        if not any(_overlaps(box, t) for t in taken):
            taken.append(box)
            add(f'<text x="{x + 4:.1f}" y="{y:.1f}" class="district halo" transform="rotate(-80 {x + 4:.1f} {y:.1f})">Danube</text>')
    for name, lat, lon, side in DISTRICTS:
        if frame.inside(lat, lon):
            x, y = frame.xy(lat, lon)
            size = 20.0 if side else 12.0
            spot = _label_spot(name, x, y, size, taken, width, frame.height)
            if spot is None:
                continue  # no room without covering a marker or another label: left out
            (lx, ly), box = spot
            taken.append(box)
            cls = "side" if side else "district"
            add(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" class="{cls} halo" lang="hu">{escape(name)}</text>')
    add('</g>')
    for place, (x, y) in zip(near, spots):
        strong = highlight is None or place.id in highlight
        tx, ty = frame.xy(place.lat, place.lon)
        group = "" if strong else ' class="faint"'
        fill, stroke = ("#000", "#fff") if strong else ("#fff", "#555")
        if math.hypot(x - tx, y - ty) > 4:  # moved apart from a neighbour: a leader to where it really is
            add(f'<line x1="{tx:.1f}" y1="{ty:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#555" stroke-width="1"/>'
                f'<circle cx="{tx:.1f}" cy="{ty:.1f}" r="2" fill="#555"/>')
        add(f'<g{group}><circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{fill}" stroke="{stroke}" stroke-width="1.5">'
            f'<title>{escape(place.name)}</title></circle>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="num">{numbers[place.id]}</text></g>')
    for place in far:
        strong = highlight is None or place.id in highlight
        anchor = min(near, key=lambda o: _km((place.lat, place.lon), (o.lat, o.lon)))
        ex, ey = _edge_point(place, near, frame, width)
        km = _km((place.lat, place.lon), (anchor.lat, anchor.lon))
        fill = "#000" if strong else "#fff"
        num_style = "" if strong else ' style="fill:#333"'
        add(f'<g><circle cx="{ex:.1f}" cy="{ey:.1f}" r="8" fill="{fill}" stroke="#555" stroke-width="1.5">'
            f'<title>{escape(place.name)}</title></circle>'
            f'<text x="{ex:.1f}" y="{ey + 4:.1f}" text-anchor="middle" class="num"{num_style}>'
            f'{numbers[place.id]}</text>'
            f'<text x="{ex - 12:.1f}" y="{ey + 4:.1f}" text-anchor="end" class="small halo">'
            f'{km:.0f} km {_bearing_word(anchor, place)} →</text></g>')
    # scale bar and north arrow
    bar = frame.scale
    add(f'<g><line x1="{bar_x:.1f}" y1="{frame.height - 12:.1f}" x2="{bar_x + bar:.1f}" y2="{frame.height - 12:.1f}" '
        f'stroke="#000" stroke-width="3"/><text x="{bar_x:.1f}" y="{frame.height - 18:.1f}" class="small halo">1 km</text>'
        f'<text x="{width - 16:.1f}" y="22" text-anchor="middle" class="small halo" font-weight="bold">N ↑</text></g>')
    if legend:
        y = 22.0
        x0 = width + 14
        add(f'<text x="{x0:.0f}" y="{y:.0f}" font-weight="bold" font-size="13">Places</text>')
        for place in listed:
            y += line_h + 4
            add(f'<text x="{x0:.0f}" y="{y:.0f}" font-size="12"><tspan font-weight="bold">{numbers[place.id]}</tspan> '
                f'{escape(place.name)}</text>')
            if place.hu and place.hu != place.name:
                y += line_h - 3
                add(f'<text x="{x0 + 16:.0f}" y="{y:.0f}" font-size="11" font-style="italic" lang="hu">{escape(place.hu)}</text>')
    add('</svg>')
    return "\n".join(out)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _text_box(text: str, x: float, y: float, size: float, anchor: str = "middle") -> Box:
    """A generous box around a line of DejaVu Sans text at (x, y) (its baseline)."""
    wide = len(text) * size * (0.72 if size >= 16 else 0.64) + 4
    left = x - wide / 2 if anchor == "middle" else (x - wide if anchor == "end" else x)
    return (left, y - size * 0.95 - 1, left + wide, y + size * 0.3 + 1)


def _label_spot(text: str, x: float, y: float, size: float, taken: list[Box], width: float,
                height: float) -> tuple[tuple[float, float], Box] | None:
    """Where a label can stand near (x, y) without touching anything already drawn, or None."""
    step = size + 4
    for dx, dy in ((0, 0), (0, -step), (0, step), (0, -2 * step), (0, 2 * step), (-30, 0), (30, 0),
                   (-30, -step), (30, -step), (-30, step), (30, step)):
        box = _text_box(text, x + dx, y + dy, size)
        inside = box[0] >= 2 and box[1] >= 2 and box[2] <= width - 2 and box[3] <= height - 2
        if inside and not any(_overlaps(box, t) for t in taken):
            return (x + dx, y + dy), box
    return None


def _far_label_box(place: Place, near: list[Place], frame: Frame, width: float) -> Box:
    ex, ey = _edge_point(place, near, frame, width)
    anchor = min(near, key=lambda o: _km((place.lat, place.lon), (o.lat, o.lon)))
    km = _km((place.lat, place.lon), (anchor.lat, anchor.lon))
    label = _text_box(f"{km:.0f} km {_bearing_word(anchor, place)} →", ex - 12, ey + 4, 11, "end")
    return (min(label[0], ex - 10), min(label[1], ey - 10), ex + 10, max(label[3], ey + 10))


def _edge_point(place: Place, near: list[Place], frame: Frame, width: float) -> tuple[float, float]:
    """Where the line from the nearest drawn place towards a far one leaves the frame."""
    anchor = min(near, key=lambda o: _km((place.lat, place.lon), (o.lat, o.lon)))
    ax, ay = frame.xy(anchor.lat, anchor.lon)
    px, py = frame.xy(place.lat, place.lon)
    angle = math.atan2(py - ay, px - ax)
    t = min(((width - 14 - ax) / math.cos(angle)) if math.cos(angle) > 1e-9 else math.inf,
            ((14 - ax) / math.cos(angle)) if math.cos(angle) < -1e-9 else math.inf,
            ((frame.height - 14 - ay) / math.sin(angle)) if math.sin(angle) > 1e-9 else math.inf,
            ((14 - ay) / math.sin(angle)) if math.sin(angle) < -1e-9 else math.inf)
    return ax + t * math.cos(angle), ay + t * math.sin(angle)


def _spread(points: list[tuple[float, float]], gap: float, width: float, height: float) -> list[tuple[float, float]]:
    """Markers pushed apart until none overlaps another (places 200 m apart share a few pixels)."""
    spots = [list(p) for p in points]
    for _round in range(200):
        moved = False
        for i in range(len(spots)):
            for j in range(i + 1, len(spots)):
                dx, dy = spots[j][0] - spots[i][0], spots[j][1] - spots[i][1]
                dist = math.hypot(dx, dy)
                if dist >= gap:
                    continue
                if dist < 1e-6:
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (gap - dist) / 2 + 0.1
                ux, uy = dx / dist, dy / dist
                spots[i][0] -= ux * push
                spots[i][1] -= uy * push
                spots[j][0] += ux * push
                spots[j][1] += uy * push
                moved = True
        for spot in spots:
            spot[0] = min(max(spot[0], 10), width - 10)
            spot[1] = min(max(spot[1], 10), height - 10)
        if not moved:
            break
    return [(x, y) for x, y in spots]


def chapter_places(story: Story, chapter_id: str) -> list[str]:
    """The ids of the places a chapter's scenes happen at, in the story's order of places."""
    used = {s.place for s in story.scenes.values() if s.chapter == chapter_id and s.place}
    return [p for p in story.places if p in used]
