"""Spot-ink output: the spot PDF, one plate per ink, and the composite preview.

WeasyPrint cannot write ``/Separation`` colour spaces (its issues #2911 and #2912).  So the
:class:`~leaflet.colour.Inks` colour mode paints every colour of the document as a *marker*
colour standing for one ink at a tint (and whether it overprints), and this module rewrites
the rendered PDF's content streams — pages, Form XObjects (imposed pages, pictures drawn as
forms), tiling patterns, annotations' appearances — with pypdf's content-stream parser:

* :func:`spot_pdf`: each colour operator (``rg``/``RG``, ``g``, ``k``, ``sc``/``scn`` in any
  device or ICC space) becomes ``/LfInkN cs tint scn`` on a ``[/Separation /InkName
  /DeviceCMYK <tint transform>]`` space named after the ink, whose alternate is the ink's CMYK
  value (for proofs and offset shops: PDF 1.7 §8.6.6.4); a marker that overprints (solid black
  by default, or the roles a template lists) sets the graphics state's overprint flags
  (``/OP``, ``/op``, ``/OPM 1``: §8.6.7) so it leaves the other inks under it; everything else
  knocks out.  A colour that is no marker (WeasyPrint's default black) goes by its lightness
  (:meth:`Inks.fallback`).  Pictures become one ink's greyscale (the ``images`` role, the first
  ink by default): an 8-bit image in that ink's Separation space, the ink's amount where the
  picture is dark (its luminance from white).  Registration marks stay in ``/All``.
* :func:`plates`: from a spot PDF, one greyscale PDF per ink (DeviceGray, black = full ink):
  the ink's own colours as greys, another ink's that knock out as white, another ink's that
  overprint not painted at all (paths end with ``n``, text is shown in render mode 3), and
  pictures of another ink as white; what a duplicator operator loads drum by drum.  The pages
  keep their boxes and marks (``/All`` prints on every plate), and the ink's name is set in the
  slug area when there is one.
* :func:`composite`: the plates rasterised (pypdfium2) and multiplied with the inks' preview
  colours on white paper, as inks lie on each other: the organizer's preview of the print.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from .colour import Inks, InkUse
from .inks import INKS, Ink, get_ink

if TYPE_CHECKING:
    from .output import Output

__all__ = [
    "Coverage",
    "PlateSet",
    "composite",
    "composite_pngs",
    "ink_coverage",
    "ink_names_of",
    "plate_output",
    "plates",
    "spot_pdf",
]

LOGGER = logging.getLogger("leaflet.separations")

#: Resource names this module adds (PDF names of its own, never WeasyPrint's).
_SPACE = "/LfInk{}"
_OVERPRINT = "/LfOP{}{}"  # stroke flag, fill flag (0 or 1)

_PATH_PAINTING = {
    # operator: (fills, strokes, if the fill is left out, if the stroke is left out)
    b"f": (True, False, b"n", b"f"),
    b"F": (True, False, b"n", b"F"),
    b"f*": (True, False, b"n", b"f*"),
    b"S": (False, True, b"S", b"n"),
    b"s": (False, True, b"s", b"n"),
    b"B": (True, True, b"S", b"f"),
    b"B*": (True, True, b"S", b"f*"),
    b"b": (True, True, b"s", b"f"),
    b"b*": (True, True, b"s", b"f*"),
}
_TEXT_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})


#: The colour a content stream starts with: black, the first ink's solid.
_BLACK = InkUse(0)


@dataclass(frozen=True, slots=True)
class _State:
    """What the rewriter tracks of the graphics state (saved by ``q``, restored by ``Q``)."""

    fill: InkUse = _BLACK
    stroke: InkUse = _BLACK
    fill_space: Any = "/DeviceGray"
    stroke_space: Any = "/DeviceGray"
    fill_overprint: bool = False
    stroke_overprint: bool = False
    render_mode: int = 0


class _Rewriter:
    """Rewrites content streams for one target: the spot PDF (*plate* None) or the plate of
    ink number *plate*."""

    def __init__(
        self, writer: PdfWriter, inks: Sequence[Ink], mode: Inks | None, plate: int | None
    ):
        self.writer = writer
        self.inks = inks
        self.mode = mode  # the marker reader (spot target only)
        self.plate = plate
        # Objects made when first used (a plate uses none of the spot PDF's).
        self.made: dict[object, IndirectObject] = {}
        self.seen: set[int] = set()
        # Pictures converted, by the original's object number: the same replacement wherever
        # the picture is met again (WeasyPrint gives every page the same resources).
        self.replaced: dict[int, Any] = {}
        self.shadings = False
        # Plates: the colour spaces each resource dictionary's streams still name (patterns).
        self.kept: dict[int, tuple[DictionaryObject, set[str]]] = {}

    def _object(self, key: object, make: Callable[[], Any]) -> IndirectObject:
        if key not in self.made:
            self.made[key] = self.writer._add_object(make())
        return self.made[key]

    # -- walking the document ----------------------------------------------------------

    def run(self) -> None:
        for page in self.writer.pages:
            resources = _resources(page)
            contents = page.get_contents()
            if contents is None:
                continue
            self._rewrite(contents, resources)
            page.replace_contents(contents)
            self._walk_resources(resources)
            for annotation in _annotations(page):
                self._appearances(annotation)
        if self.shadings:
            LOGGER.warning("gradients are printed as they are, not separated into the inks")
        for resources, names in self.kept.values():
            _prune_spaces(resources, names)

    def _walk_resources(self, resources: DictionaryObject) -> None:
        for key in ("/XObject", "/Pattern"):
            entries = resources.get(key)
            entries = entries.get_object() if entries is not None else None
            if not isinstance(entries, DictionaryObject):
                continue
            for name, reference in list(entries.items()):
                obj = reference.get_object()
                number = reference.idnum if isinstance(reference, IndirectObject) else id(obj)
                if number in self.replaced:
                    entries[NameObject(name)] = self.replaced[number]
                    continue
                if number in self.seen or not isinstance(obj, DictionaryObject):
                    continue
                self.seen.add(number)
                if obj.get("/Subtype") == "/Image":
                    made = self.replaced[number] = self._image(obj)
                    if isinstance(made, IndirectObject):
                        self.seen.add(made.idnum)  # converted already: never again
                    entries[NameObject(name)] = made
                elif isinstance(obj, StreamObject) and (
                    obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1
                ):
                    self._form(obj)
                elif obj.get("/PatternType") == 2:
                    self.shadings = True

    def _form(self, form: StreamObject) -> None:
        resources = form.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
            form[NameObject("/Resources")] = resources
        contents = ContentStream(form, self.writer)
        self._rewrite(contents, resources)
        form.set_data(contents.get_data())
        self._walk_resources(resources)

    def _appearances(self, annotation: DictionaryObject) -> None:
        appearances = annotation.get("/AP")
        appearances = appearances.get_object() if appearances is not None else None
        if not isinstance(appearances, DictionaryObject):
            return
        for entry in appearances.values():
            entry = entry.get_object()
            streams = [entry] if isinstance(entry, StreamObject) else []
            if isinstance(entry, DictionaryObject) and not streams:
                streams = [value.get_object() for value in entry.values()]
            for stream in streams:
                if isinstance(stream, StreamObject) and id(stream) not in self.seen:
                    self.seen.add(id(stream))
                    self._form(stream)

    def _separation(self, index: int) -> IndirectObject:
        ink = self.inks[index]
        return self._object(("ink", index), lambda: _separation(ink))

    # -- pictures ------------------------------------------------------------------------

    def _image(self, image: DictionaryObject) -> Any:
        """The picture for this target (the reference to draw instead)."""
        if image.get("/ImageMask"):
            return image.indirect_reference or image  # a stencil: painted in the fill colour
        ink, amounts = self._image_amounts(cast(StreamObject, image))
        if amounts is None:
            return image.indirect_reference or image
        space: Any
        if self.plate is None:
            data = amounts.tobytes()
            space = self._separation(ink)
        elif ink == self.plate:
            from PIL import ImageOps

            data, space = ImageOps.invert(amounts).tobytes(), NameObject("/DeviceGray")
        else:
            # Another ink's picture knocks out: white, through the picture's own mask.
            return self.writer._add_object(_white_image(image))
        entries = {
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Image"),
            "/Width": NumberObject(amounts.width),
            "/Height": NumberObject(amounts.height),
            "/BitsPerComponent": NumberObject(8),
            "/ColorSpace": space,
        }
        for key in ("/SMask", "/Mask", "/Interpolate"):
            if key in image:
                entries[key] = image.raw_get(key)  # a mask stays the object it is
        return self.writer._add_object(_stream(data, entries))

    def _image_amounts(self, image: StreamObject) -> tuple[int, Any]:
        """The ink of a picture and its ink amounts (a Pillow ``L`` image, 255: solid), or
        None for a picture that cannot be read (left as it is, with a warning)."""
        from PIL import Image

        space = image.get("/ColorSpace")
        space = space.get_object() if space is not None else None
        own = self._separation_ink(space)
        if isinstance(own, int):
            # A spot PDF's picture: one ink's amounts already.
            data = image.get_data()
            size = (int(cast(int, image["/Width"])), int(cast(int, image["/Height"])))
            return own, Image.frombytes("L", size, data[: size[0] * size[1]])
        ink = self.mode.image_ink if self.mode is not None else 0
        try:
            picture = image.decode_as_image()
        except Exception as error:  # pypdf raises many kinds on data it cannot decode
            LOGGER.warning("a picture could not be separated into the inks (%s)", error)
            return ink, None
        darkness = _image_darkness(picture)
        ink_darkness = self.inks[ink].darkness or 1.0
        amounts = darkness.point(lambda value: min(255, round(value / ink_darkness)))
        return ink, amounts

    # -- content streams ------------------------------------------------------------------

    def _rewrite(self, contents: ContentStream, resources: DictionaryObject) -> None:
        out: list[tuple[list[Any], bytes]] = []
        state = _State()
        stack: list[_State] = []
        used_spaces: set[int] = set()
        used_states: set[tuple[int, int]] = set()
        kept: set[str] = set()
        if self.plate is not None:
            kept = self.kept.setdefault(id(resources), (resources, set()))[1]
        for operands, operator in contents.operations:
            if operator == b"q":
                stack.append(state)
            elif operator == b"Q":
                state = stack.pop() if stack else _State()
            elif operator in (b"cs", b"CS"):
                stroke = operator == b"CS"
                space = _resolve_space(resources, operands[0])
                if _is_pattern(space):
                    state = _with_space(state, stroke, "/Pattern")
                    out.append((operands, operator))
                    kept.add(str(operands[0]))
                    continue
                state = _with_space(state, stroke, operands[0])
                use = self._read(resources, operands[0], _initial(space))
                state = self._set(out, state, use, stroke, used_spaces, used_states)
                continue
            elif operator in (b"sc", b"scn", b"SC", b"SCN"):
                stroke = operator in (b"SC", b"SCN")
                space_name = state.stroke_space if stroke else state.fill_space
                if space_name == "/Pattern":
                    out.append((operands, operator))
                    continue
                use = self._read(resources, space_name, [float(v) for v in operands])
                state = self._set(out, state, use, stroke, used_spaces, used_states)
                continue
            elif operator in (b"rg", b"RG", b"g", b"G", b"k", b"K"):
                stroke = operator.isupper()
                space_name = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}[len(operands)]
                state = _with_space(state, stroke, space_name)
                use = self._read(resources, space_name, [float(v) for v in operands])
                state = self._set(out, state, use, stroke, used_spaces, used_states)
                continue
            elif operator == b"gs":
                state = self._graphics_state(resources, operands[0], state)
            elif operator == b"Tr":
                state = replace(state, render_mode=int(operands[0]))
            elif operator == b"sh":
                self.shadings = True
            elif operator == b"Do" and (state.fill_overprint or state.stroke_overprint):
                # A form starts from the knockout state this rewriter assumes for it.
                out += [([], b"q"), ([NameObject(_OVERPRINT.format(0, 0))], b"gs")]
                out += [(operands, operator), ([], b"Q")]
                used_states.add((0, 0))
                continue
            elif self.plate is not None and operator in _PATH_PAINTING:
                operator = self._plate_painting(operator, state)
            elif self.plate is not None and operator in _TEXT_SHOWING:
                mode = self._plate_text_mode(state)
                if mode != state.render_mode:
                    out += [([NumberObject(mode)], b"Tr"), (operands, operator)]
                    out.append(([NumberObject(state.render_mode)], b"Tr"))
                    continue
            out.append((operands, operator))
        contents.operations = out
        self._add_resources(resources, used_spaces, used_states)

    def _read(self, resources: DictionaryObject, space_name: Any, values: list[float]) -> InkUse:
        """The ink use of a colour in the space *space_name* (a device space's name, or a
        resource name)."""
        space = _resolve_space(resources, space_name)
        ink = self._separation_ink(space)
        if ink == "all":
            return InkUse(-1, values[0] if values else 1.0)
        if isinstance(ink, int):
            return InkUse(ink, values[0] if values else 1.0)
        rgb = _to_rgb(space, values)
        if self.mode is None:  # a foreign colour in a spot PDF: by its lightness
            return Inks(tuple(self.inks)).fallback(rgb)
        return self.mode.read_marker(rgb) or self.mode.fallback(rgb)

    def _separation_ink(self, space: Any) -> int | str | None:
        """The ink number a ``/Separation`` space paints (``"all"`` for ``/All``)."""
        if not isinstance(space, ArrayObject) or len(space) < 2 or space[0] != "/Separation":
            return None
        colorant = str(space[1])[1:]
        if colorant == "All":
            return "all"
        for index, ink in enumerate(self.inks):
            if ink.pdf_name == colorant:
                return index
        return None

    def _set(
        self,
        out: list[tuple[list[Any], bytes]],
        state: _State,
        use: InkUse,
        stroke: bool,
        used_spaces: set[int],
        used_states: set[tuple[int, int]],
    ) -> _State:
        """Emit the operators setting *use* as the fill (or *stroke*) colour."""
        state = replace(state, stroke=use) if stroke else replace(state, fill=use)
        if self.plate is None:
            space, tint = (0, 0.0) if use.ink is None else (use.ink, use.tint)
            if use.ink == -1:  # /All: kept as it was drawn
                out.append(([NameObject("/LfAll")], b"CS" if stroke else b"cs"))
                out.append(([_number(tint)], b"SCN" if stroke else b"scn"))
                used_spaces.add(-1)
            else:
                out.append(([NameObject(_SPACE.format(space))], b"CS" if stroke else b"cs"))
                out.append(([_number(tint)], b"SCN" if stroke else b"scn"))
                used_spaces.add(space)
            if self.mode is not None:  # a marker says whether it overprints
                fill = state.fill_overprint if stroke else use.overprint
                strokes = use.overprint if stroke else state.stroke_overprint
                if (strokes, fill) != (state.stroke_overprint, state.fill_overprint):
                    out.append(([NameObject(_OVERPRINT.format(int(strokes), int(fill)))], b"gs"))
                    used_states.add((int(strokes), int(fill)))
                    state = replace(state, stroke_overprint=strokes, fill_overprint=fill)
            return state
        grey = 1.0 - use.tint if use.ink in (self.plate, -1) else 1.0
        out.append(([_number(grey)], b"G" if stroke else b"g"))
        return state

    def _graphics_state(self, resources: DictionaryObject, name: Any, state: _State) -> _State:
        states = resources.get("/ExtGState")
        states = states.get_object() if states is not None else None
        entry = states.get(name) if isinstance(states, DictionaryObject) else None
        entry = entry.get_object() if entry is not None else None
        if not isinstance(entry, DictionaryObject) or ("/OP" not in entry and "/op" not in entry):
            return state
        strokes = entry.get("/OP", state.stroke_overprint) == True  # noqa: E712 (BooleanObject)
        fill = entry.get("/op", entry.get("/OP", state.fill_overprint)) == True  # noqa: E712
        return replace(state, stroke_overprint=strokes, fill_overprint=fill)

    def _skipped(self, use: InkUse, overprint: bool) -> bool:
        """On this plate, a colour of another ink that overprints paints nothing."""
        return overprint and use.ink not in (self.plate, -1)

    def _plate_painting(self, operator: bytes, state: _State) -> bytes:
        fills, strokes, without_fill, without_stroke = _PATH_PAINTING[operator]
        no_fill = fills and self._skipped(state.fill, state.fill_overprint)
        no_stroke = strokes and self._skipped(state.stroke, state.stroke_overprint)
        if no_fill and (no_stroke or not strokes):
            return b"n"
        if no_stroke and (no_fill or not fills):
            return b"n"
        if no_fill:
            return without_fill
        if no_stroke:
            return without_stroke
        return operator

    def _plate_text_mode(self, state: _State) -> int:
        mode = state.render_mode
        fills, strokes, clips = mode % 4 in (0, 2), mode % 4 in (1, 2), mode >= 4
        if fills and self._skipped(state.fill, state.fill_overprint):
            fills = False
        if strokes and self._skipped(state.stroke, state.stroke_overprint):
            strokes = False
        base = {(True, False): 0, (False, True): 1, (True, True): 2, (False, False): 3}
        new = base[(fills, strokes)]
        return new + 4 if clips and new != 3 else (7 if clips else new)

    def _add_resources(
        self,
        resources: DictionaryObject,
        used_spaces: set[int],
        used_states: set[tuple[int, int]],
    ) -> None:
        if used_spaces:
            spaces = _sub_dictionary(resources, "/ColorSpace")
            for index in used_spaces:
                if index == -1:
                    spaces[NameObject("/LfAll")] = self._object("all", _all_space)
                else:
                    spaces[NameObject(_SPACE.format(index))] = self._separation(index)
        if used_states:
            states = _sub_dictionary(resources, "/ExtGState")
            for strokes, fill in used_states:
                made = functools.partial(_overprint_state, bool(strokes), bool(fill))
                state = self._object(("overprint", strokes, fill), made)
                states[NameObject(_OVERPRINT.format(strokes, fill))] = state


# -- the three outputs ----------------------------------------------------------------------


def spot_pdf(pdf: bytes, mode: Inks) -> bytes:
    """*pdf* (rendered in *mode*'s marker colours) with its colours in the inks' Separation
    spaces (see the module's docstring)."""
    from .pdf import clone_writer, open_pdf, reading, serialize

    with reading("output"):
        writer = clone_writer(open_pdf(pdf, "output"))
        _Rewriter(writer, mode.inks, mode, None).run()
        _name_inks(writer, mode.inks)
        _drop_unreferenced(writer)  # the pictures as WeasyPrint stored them
        return serialize(writer)


@dataclass(frozen=True, slots=True)
class PlateSet:
    """The plates of a spot PDF: one greyscale PDF per ink, in the inks' order."""

    inks: tuple[Ink, ...]
    pdfs: tuple[bytes, ...]


def ink_names_of(pdf: bytes) -> tuple[Ink, ...]:
    """The inks a spot PDF names (its document information's ``/LeafletInks``), in order."""
    from .pdf import open_pdf, reading

    with reading("input"):
        reader = open_pdf(pdf, "input")
        info = reader.metadata
        names = str(info.get(_INFO_KEY, "")).split() if info is not None else []
    return tuple(get_ink(name) for name in names if name.lower() in INKS)


def plates(pdf: bytes, inks: Sequence[Ink] | None = None) -> PlateSet:
    """The plates of the spot PDF *pdf*: one greyscale PDF per ink (black = solid ink), each
    with the ink's name in its slug area when the page has one."""
    from .pdf import clone_writer, open_pdf, reading, serialize

    inks = tuple(inks) if inks is not None else ink_names_of(pdf)
    made = []
    for index, ink in enumerate(inks):
        with reading("input"):
            writer = clone_writer(open_pdf(pdf, "input"), keep_id=False)
            _Rewriter(writer, inks, None, index).run()
            _slug_names(writer, ink, index)
            writer.add_metadata({_PLATE_KEY: ink.name})
            _drop_unreferenced(writer)
            made.append(serialize(writer))
    return PlateSet(inks, tuple(made))


def composite(plate_set: PlateSet, *, scale: float = 1.0) -> list[Any]:
    """The pages as they print: every plate rasterised (pypdfium2, *scale* pixels per point,
    grey: 255 is paper) and coloured with its ink — a channel of ink colour I over grey g is
    I + (255 - I) g / 255, the ink's tint on white paper — then multiplied together, as inks
    lie on each other.  Pillow RGB images, one per page."""
    from PIL import Image, ImageChops

    pages: list[Any] = []
    for ink, pdf in zip(plate_set.inks, plate_set.pdfs, strict=True):
        tables = [[round(c + (255 - c) * g / 255) for g in range(256)] for c in ink.rgb]
        for number, grey in enumerate(_rasters(pdf, scale)):
            layer = Image.merge("RGB", [grey.point(table) for table in tables])
            if number == len(pages):
                pages.append(layer)
            else:
                pages[number] = ImageChops.multiply(pages[number], layer)
    return pages


def composite_pngs(pdf: bytes, width_px: int = 900) -> list[bytes]:
    """The composite preview of the spot PDF *pdf*: each page as a PNG picture *width_px*
    pixels wide (``render --inks … --preview DIR``)."""
    from .pdf import media_size

    width = media_size(pdf)[0]
    out = []
    for picture in composite(plates(pdf), scale=width_px / width):
        buffer = io.BytesIO()
        # 256 colours are plenty for flat inks and their tints, at a third of the size.
        picture.quantize(256).save(buffer, "PNG", optimize=True)
        out.append(buffer.getvalue())
    return out


def plate_output(folder: Path, stem: str, ink: Ink, pdf: bytes = b"") -> Output:
    """*ink*'s plate of the PDF *stem*, ``folder/<stem>.<ink>.pdf``, to write over nothing but
    a plate leaflet wrote (no *pdf*: the name only, to check before rendering)."""
    from .output import Output

    return Output(
        folder / f"{stem}.{ink.name}.pdf",
        pdf,
        replaces=_is_plate,
        owner="a plate leaflet wrote",
        make_folder=True,
    )


def _is_plate(path: Path) -> bool:
    """*path* is a plate leaflet wrote (its document information names the plate's ink)."""
    from .errors import LeafletError
    from .pdf import open_pdf, read_file, reading

    try:
        data = read_file(path)
        with reading(str(path)):
            info = open_pdf(data, str(path)).metadata
            return info is not None and _PLATE_KEY in info
    except (LeafletError, OSError):
        return False


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of each page each ink covers: per ink (in order), per PDF page (a sheet side
    when imposed), the mean ink amount over the trimmed page, 0 … 1 (a 50 % tint over the
    whole page is 0.5)."""

    inks: tuple[Ink, ...]
    pages: tuple[tuple[float, ...], ...]

    @property
    def masters(self) -> int:
        """Masters (duplicator) or plates (offset) to make: one per ink and page it prints."""
        return sum(1 for pages in self.pages for share in pages if share > 0)


def ink_coverage(pdf: bytes, *, scale: float = 0.5) -> Coverage:
    """The :class:`Coverage` of the spot PDF *pdf*, measured on its plates rasterised at
    *scale* pixels per point (36 dpi by default: coverage is an area, not a detail)."""
    from PIL import ImageStat

    from .pdf import open_pdf, reading

    with reading("input"):
        reader = open_pdf(pdf, "input")
        trims = [page.trimbox for page in reader.pages]
        medias = [page.mediabox for page in reader.pages]
    made = plates(pdf)
    shares = []
    for plate in made.pdfs:
        row = []
        for raster, trim, media in zip(_rasters(plate, scale), trims, medias, strict=True):
            box = (
                round((float(trim.left) - float(media.left)) * scale),
                round((float(media.top) - float(trim.top)) * scale),
                round((float(trim.right) - float(media.left)) * scale),
                round((float(media.top) - float(trim.bottom)) * scale),
            )
            mean = ImageStat.Stat(raster.crop(box)).mean[0]
            row.append(round(1 - mean / 255, 4) + 0.0)
        shares.append(tuple(row))
    return Coverage(made.inks, tuple(shares))


def _rasters(pdf: bytes, scale: float) -> Iterator[Any]:
    """The pages of a greyscale PDF as Pillow ``L`` images."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            yield page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


# -- PDF objects ----------------------------------------------------------------------------

#: The document information key listing the inks of a spot PDF (their names, in order).
_INFO_KEY = "/LeafletInks"
#: The document information key naming a plate's ink.
_PLATE_KEY = "/LeafletPlate"


def _name_inks(writer: PdfWriter, inks: Sequence[Ink]) -> None:
    writer.add_metadata({_INFO_KEY: " ".join(ink.name for ink in inks)})


def _separation(ink: Ink) -> ArrayObject:
    """``[/Separation /Name /DeviceCMYK f]``, f the linear tint transform from paper to the
    ink's CMYK alternate (a type 2 function, PDF 1.7 §7.10.3)."""
    return ArrayObject(
        [
            NameObject("/Separation"),
            NameObject("/" + ink.pdf_name),
            NameObject("/DeviceCMYK"),
            _function((0, 0, 0, 0), ink.cmyk),
        ]
    )


def _all_space() -> ArrayObject:
    return ArrayObject(
        [
            NameObject("/Separation"),
            NameObject("/All"),
            NameObject("/DeviceCMYK"),
            _function((0, 0, 0, 0), (1, 1, 1, 1)),
        ]
    )


def _function(low: Sequence[float], high: Sequence[float]) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
            NameObject("/C0"): ArrayObject(_number(v) for v in low),
            NameObject("/C1"): ArrayObject(_number(v) for v in high),
            NameObject("/N"): NumberObject(1),
        }
    )


def _overprint_state(strokes: bool, fill: bool) -> DictionaryObject:
    """An ExtGState setting both overprint flags, nonzero overprint mode (§8.6.7)."""
    from pypdf.generic import BooleanObject

    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/OP"): BooleanObject(strokes),
            NameObject("/op"): BooleanObject(fill),
            NameObject("/OPM"): NumberObject(1),
        }
    )


def _white_image(image: DictionaryObject) -> StreamObject:
    """White where *image* paints: a white picture with *image*'s soft mask or stencil mask,
    so that a picture with transparency leaves what is under its transparent parts (of the
    picture's size: viewers scale a mask to its picture's pixels; 1 × 1 without a mask)."""
    entries: dict[str, Any] = {
        "/Type": NameObject("/XObject"),
        "/Subtype": NameObject("/Image"),
        "/Width": NumberObject(1),
        "/Height": NumberObject(1),
        "/BitsPerComponent": NumberObject(8),
        "/ColorSpace": NameObject("/DeviceGray"),
    }
    # The mask's reference, never its stream (a stream is always an indirect object).
    mask = image.raw_get("/SMask") if "/SMask" in image else None
    if mask is None and isinstance(image.get("/Mask"), StreamObject):
        mask = image.raw_get("/Mask")
    if mask is None:
        return _stream(b"\xff", entries)
    width, height = int(cast(int, image["/Width"])), int(cast(int, image["/Height"]))
    entries.update(
        {
            "/Width": NumberObject(width),
            "/Height": NumberObject(height),
            "/SMask" if "/SMask" in image else "/Mask": mask,
        }
    )
    return _stream(b"\xff" * (width * height), entries)


def _stream(data: bytes, entries: dict[str, Any]) -> StreamObject:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(key): value for key, value in entries.items()})
    return stream.flate_encode()


def _number(value: float) -> FloatObject | NumberObject:
    value = round(value, 4) + 0.0
    return NumberObject(int(value)) if value.is_integer() else FloatObject(value)


def _resources(page: Any) -> DictionaryObject:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    return resources


def _sub_dictionary(resources: DictionaryObject, key: str) -> DictionaryObject:
    entry = resources.get(key)
    entry = entry.get_object() if entry is not None else None
    if not isinstance(entry, DictionaryObject):
        entry = DictionaryObject()
        resources[NameObject(key)] = entry
    return entry


def _annotations(page: Any) -> Iterator[DictionaryObject]:
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    for annotation in annotations if isinstance(annotations, ArrayObject) else ():
        annotation = annotation.get_object()
        if isinstance(annotation, DictionaryObject):
            yield annotation


def _resolve_space(resources: DictionaryObject, name: Any) -> Any:
    """A colour space operand: a device space's name, or the space a resource name holds."""
    if name in ("/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern", "/G", "/RGB", "/CMYK"):
        return {"/G": "/DeviceGray", "/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK"}.get(
            str(name), name
        )
    spaces = resources.get("/ColorSpace")
    spaces = spaces.get_object() if spaces is not None else None
    space = spaces.get(name) if isinstance(spaces, DictionaryObject) else None
    return space.get_object() if space is not None else name


def _prune_spaces(resources: DictionaryObject, names: set[str]) -> None:
    """A plate's resources keep only the colour spaces its streams name (patterns'), and
    its pictures are grey: nothing but DeviceGray is left."""
    spaces = resources.get("/ColorSpace")
    spaces = spaces.get_object() if spaces is not None else None
    if not isinstance(spaces, DictionaryObject):
        return
    for name in list(spaces):
        if name not in names:
            del spaces[name]
    if not spaces:
        del resources["/ColorSpace"]


def _is_pattern(space: Any) -> bool:
    if space == "/Pattern":
        return True
    return isinstance(space, ArrayObject) and len(space) > 0 and space[0] == "/Pattern"


def _components(space: Any) -> int:
    """How many components a colour in *space* has."""
    if space in ("/DeviceGray", "/CalGray"):
        return 1
    if space == "/DeviceCMYK":
        return 4
    if isinstance(space, ArrayObject) and space:
        kind = space[0]
        if kind == "/ICCBased":
            return int(space[1].get_object().get("/N", 3))
        if kind in ("/Separation", "/Indexed"):
            return 1
        if kind == "/CalGray":
            return 1
        if kind == "/DeviceN":
            return len(space[1])
    return 3


def _initial(space: Any) -> list[float]:
    """The colour ``cs`` sets: black in a device or ICC space, full tint in a Separation."""
    if isinstance(space, ArrayObject) and space and space[0] == "/Separation":
        return [1.0]
    if isinstance(space, ArrayObject) and space and space[0] == "/Lab":
        return [0.0, 0.0, 0.0]
    count = _components(space)
    return [0.0, 0.0, 0.0, 1.0] if count == 4 else [0.0] * count


def _to_rgb(space: Any, values: list[float]) -> tuple[int, int, int]:
    """A colour as 8-bit sRGB: exact for RGB (a marker), naive for grey and CMYK; a Lab
    colour by its lightness alone."""
    if isinstance(space, ArrayObject) and space and space[0] == "/Lab":
        grey = max(0.0, min(1.0, values[0] / 100)) if values else 0.0
        channels: Sequence[float] = (grey, grey, grey)
    elif len(values) == 1:
        channels = (values[0],) * 3
    elif len(values) == 4:
        c, m, y, k = values
        channels = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    elif len(values) >= 3:
        channels = values[:3]
    else:
        channels = (0.0, 0.0, 0.0)
    red, green, blue = (round(min(max(v, 0.0), 1.0) * 255) for v in channels)
    return red, green, blue


def _with_space(state: _State, stroke: bool, space: Any) -> _State:
    return replace(state, stroke_space=space) if stroke else replace(state, fill_space=space)


def _image_darkness(picture: Any) -> Any:
    """How much each pixel of a picture darkens white paper (``L``, 255: black): one minus
    its lightness (:func:`inks.lightness`, Pillow's greyscale), as the vector colours'."""
    from PIL import ImageOps

    return ImageOps.invert(picture.convert("RGB").convert("L"))


def _drop_unreferenced(writer: PdfWriter) -> None:
    """What a plate no longer draws (the inks' spaces, the spot PDF's pictures) is dropped:
    pypdf drops the objects nothing refers to, one level at a time, so until none is left."""
    while True:
        before = sum(obj is None for obj in writer._objects)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        if sum(obj is None for obj in writer._objects) == before:
            return


def _slug_names(writer: PdfWriter, ink: Ink, index: int) -> None:
    """The ink's name in the slug area (between the bleed box and the media box's foot) of
    every page that has room for it, in the plate's black, 6 pt; the *index*-th ink's a
    little further right, so that the plates laid on each other show every name.  The name
    is drawn as the outlines of the bundled Fira Sans (no font to embed)."""
    outline = _outlined(f"{ink.name} plate", 6.0)
    for page in writer.pages:
        media = page.mediabox
        bleed = page.bleedbox
        if float(bleed.bottom) - float(media.bottom) < 8:
            continue
        x = float(bleed.left) + 12 + 80 * index
        y = float(media.bottom) + (float(bleed.bottom) - float(media.bottom)) / 2 - 2
        text = f"q 0 g 1 0 0 1 {x:.2f} {y:.2f} cm\n{outline}\nf Q\n".encode("ascii")
        stream = writer._add_object(_stream(text, {}))
        contents = page.raw_get("/Contents")
        listed = contents.get_object()
        streams = list(listed) if isinstance(listed, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([*streams, stream])


@functools.cache
def _outlined(text: str, size: float) -> str:
    """*text* set in Fira Sans at *size* points as PDF path operators (its baseline at 0)."""
    from fontTools.ttLib import TTFont

    from .fonts import FONTS_DIR

    with TTFont(FONTS_DIR / "fira-sans" / "FiraSans-Regular.ttf") as font:
        return _outlines(font, text, size)


def _outlines(font: Any, text: str, size: float) -> str:
    from fontTools.pens.basePen import BasePen

    scale = size / font["head"].unitsPerEm
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    operators: list[str] = []

    def point(x: float, y: float) -> str:
        return f"{x * scale + advance:.2f} {y * scale:.2f}"

    class Pen(BasePen):  # type: ignore[misc]
        def _moveTo(self, pt: tuple[float, float]) -> None:
            operators.append(f"{point(*pt)} m")

        def _lineTo(self, pt: tuple[float, float]) -> None:
            operators.append(f"{point(*pt)} l")

        def _curveToOne(self, *pts: tuple[float, float]) -> None:
            operators.append(" ".join(point(*p) for p in pts) + " c")

        def _closePath(self) -> None:
            operators.append("h")

    advance = 0.0
    for character in text:
        name = cmap.get(ord(character))
        if name is None:
            continue
        glyphs[name].draw(Pen(glyphs))
        advance += glyphs[name].width * scale
    return "\n".join(operators)
