/* leaflet studio: the page's script.  No framework, no build step.
 *
 * The statement lives in the text area; the front-matter form mirrors the keys it knows
 * (typing in the form rewrites only that key's lines; typing in the text updates the form).
 * Previews are asked of /api/preview ~700 ms after typing pauses (stale requests aborted);
 * the template thumbnails are rendered with the user's own text, one request at a time.
 * The work is kept in this browser's localStorage, never on the server.
 * A token in the page's address (#token=…) is sent as X-Leaflet-Token on every API call.
 */
"use strict";

(function () {
  const STORAGE_KEY = "leaflet-studio";
  /* the logo apart: it is large and changes seldom, the text at every pause in typing */
  const LOGO_KEY = "leaflet-studio-logo";
  const PREVIEW_DELAY = 700;
  const THUMBNAIL_DELAY = 1500;
  const PREVIEW_WIDTH = 600;
  const THUMBNAIL_WIDTH = 240;
  const MAX_TEXT = 1000000;
  const MAX_IMAGE = 5000000;
  /* The front-matter keys the form edits, in the order they are written. */
  const FORM_KEYS = ["title", "subtitle", "date", "lang", "author", "slogans", "contact",
    "website", "accent", "imprint"];

  const messages = JSON.parse(document.getElementById("messages").textContent);
  /* the formats' and templates' descriptions (sent by the API in English) in this language */
  const descriptions = JSON.parse(document.getElementById("descriptions").textContent);
  const $ = (id) => document.getElementById(id);
  const describe = (text) => descriptions[text] || text;

  /* The library's messages (notes, warnings, errors, the importer's guesses) come from the API
   * in English with their translation into the page's language when the studio has one
   * (asked with ?lang=); one without stays in English, marked lang="en" for screen readers. */
  const pageLang = document.documentElement.lang;

  function local(message) {
    const translation = message && message.translation;
    if (translation && translation.lang === pageLang) return { text: translation.text, lang: "" };
    return { text: (message && message.text) || "", lang: pageLang === "en" ? "" : "en" };
  }

  /* an element (span by default) holding a message shown with local() */
  function messageElement(shown, tag) {
    const element = document.createElement(tag || "span");
    element.textContent = shown.text;
    if (shown.lang) element.lang = shown.lang;
    return element;
  }

  function t(key, fields) {
    let text = messages[key] || key;
    for (const [name, value] of Object.entries(fields || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  /* ---------- the API ---------- */

  const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");

  class ApiError extends Error {
    constructor(status, message, line, retryAfter, shown) {
      super(message);
      this.status = status;
      this.line = line;
      this.retryAfter = retryAfter;
      /* the message as the page shows it: {text, lang} (see local()) */
      this.shown = shown || { text: message, lang: "" };
    }
  }

  /* any error as a message the page shows ({text, lang}) */
  function shownError(error) {
    return error.shown || { text: String(error.message || t("render_failed")), lang: "" };
  }

  async function api(path, { json, form, signal } = {}) {
    path += (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(pageLang);
    const headers = {};
    if (token) headers["X-Leaflet-Token"] = token;
    const init = { method: json || form ? "POST" : "GET", headers, signal, credentials: "omit" };
    if (json) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    } else if (form) {
      init.body = form;
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, t("network"), null, null);
    }
    if (!response.ok) {
      let message = t("render_failed");
      let shown = null;
      let line = null;
      try {
        const answer = await response.json();
        if (answer && answer.error) {
          message = answer.error;
          shown = local({ text: answer.error, translation: answer.translation });
        }
        if (answer && Number.isInteger(answer.line)) line = answer.line;
      } catch (error) {
        /* not JSON: keep the general message */
      }
      if (response.status === 503) message = t("busy");
      if (response.status === 504) message = t("timeout");
      if (response.status === 503 || response.status === 504) shown = null;
      const retry = parseInt(response.headers.get("Retry-After") || "", 10);
      throw new ApiError(response.status, message, line, Number.isFinite(retry) ? retry : null,
        shown);
    }
    return response;
  }

  /* ---------- elements and state ---------- */

  const text = $("statement-text");
  const formatSelect = $("format");
  const status = $("status");
  const problems = $("problems");
  const frontMatterStatus = $("front-matter-status");

  let templates = [];
  let formats = [];
  let preview = null; /* the last /api/preview answer */
  let state = {
    text: "",
    template: "classic",
    format: "a5",
    options: { pages: null, bleed: false, marks: false, pdf_variant: "", paper: "coated" },
    logo: null,
  };

  function load() {
    try {
      const kept = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (kept && typeof kept.text === "string") {
        state = Object.assign(state, kept);
        state.logo = JSON.parse(localStorage.getItem(LOGO_KEY) || "null");
        state.options = Object.assign(
          { pages: null, bleed: false, marks: false, pdf_variant: "", paper: "coated" },
          kept.options || {});
        return true;
      }
    } catch (error) {
      /* nothing usable kept */
    }
    return false;
  }

  let saveTimer = null;
  function save() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, 250);
  }
  function saveNow() {
    clearTimeout(saveTimer);
    state.text = text.value;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.assign({}, state, { logo: null })));
    } catch (error) {
      setStatus(t("saved_nowhere"), "failed");
    }
  }

  function saveLogo() {
    try {
      localStorage.setItem(LOGO_KEY, JSON.stringify(state.logo));
    } catch (error) {
      setStatus(t("saved_nowhere"), "failed");
    }
  }
  window.addEventListener("pagehide", saveNow);

  function sample() {
    return [
      "---",
      "title: " + JSON.stringify(t("sample_title")),
      "lang: " + JSON.stringify(document.documentElement.lang),
      "slogans:",
      "  - " + JSON.stringify(t("sample_slogan")),
      "---",
      "",
      t("sample_lead"),
      "",
      "## " + t("sample_heading"),
      "",
      t("sample_body"),
      "",
      "- " + t("sample_demand"),
      "",
    ].join("\n");
  }

  /* ---------- front matter: read and write the keys the form knows ---------- */

  class Unreadable extends Error {}

  function splitLines(source) {
    return source.split(/\r?\n/);
  }

  /* Where the front matter is: {open, close} line indices of the --- lines, or null when the
   * statement has none.  Throws Unreadable when it is opened but never closed. */
  function frontMatterBounds(lines) {
    if (lines.length === 0 || lines[0].replace(/^\uFEFF/, "").trimEnd() !== "---") return null;
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index].trimEnd();
      if (line === "---" || line === "...") return { open: 0, close: index };
    }
    throw new Unreadable(t("no_closing"));
  }

  /* The top-level keys between open and close: key -> {start, end} (end exclusive: the key's
   * line and its indented or list continuation lines). */
  function keyLines(lines, bounds) {
    const found = {};
    let current = null;
    for (let index = bounds.open + 1; index < bounds.close; index++) {
      const line = lines[index];
      const match = /^([A-Za-z_][\w-]*)\s*:(?:\s|$)/.exec(line);
      if (match) {
        current = { key: match[1], start: index, end: index + 1 };
        found[match[1]] = current;
      } else if (line.trim() === "" || /^#/.test(line)) {
        /* blank lines and comments belong to no key */
      } else if (current && (/^\s/.test(line) || /^-(\s|$)/.test(line))) {
        current.end = index + 1;
      } else {
        current = null;
      }
    }
    return found;
  }

  function scalar(written, key) {
    const value = written.trim();
    if (value === "" || value === "~" || value === "null") return "";
    if (value.startsWith('"')) {
      const quoted = /^("(?:[^"\\]|\\.)*")\s*(#.*)?$/.exec(value);
      if (quoted) {
        try {
          return JSON.parse(quoted[1]);
        } catch (error) {
          /* a YAML escape JSON does not know */
        }
      }
      throw new Unreadable(t("unsupported_value", { key }));
    }
    if (value.startsWith("'")) {
      const quoted = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(value);
      if (quoted) return quoted[1].split("''").join("'");
      throw new Unreadable(t("unsupported_value", { key }));
    }
    if (/^[|>&*!%@`{[]/.test(value)) throw new Unreadable(t("unsupported_value", { key }));
    return value.replace(/\s+#.*$/, "");
  }

  /* The form's keys read from the statement: {key: text, slogans: [texts]}. */
  function readFrontMatter(source) {
    const lines = splitLines(source);
    const bounds = frontMatterBounds(lines);
    const values = {};
    if (!bounds) return values;
    const found = keyLines(lines, bounds);
    for (const key of FORM_KEYS) {
      const place = found[key];
      if (!place) continue;
      const first = lines[place.start].replace(/^[^:]*:/, "");
      const rest = lines.slice(place.start + 1, place.end);
      if (key === "slogans") {
        if (first.trim().startsWith("[")) {
          let items = null;
          try {
            items = JSON.parse(first.trim());
          } catch (error) {
            items = null;
          }
          if (!Array.isArray(items) || rest.length) throw new Unreadable(t("unsupported_value", { key }));
          values.slogans = items.map(String);
          continue;
        }
        if (first.trim() !== "" && !first.trim().startsWith("#")) {
          values.slogans = [scalar(first, key)];
          continue;
        }
        values.slogans = rest.filter((line) => line.trim() && !/^\s*#/.test(line)).map((line) => {
          const item = /^\s*-\s?(.*)$/.exec(line);
          if (!item) throw new Unreadable(t("unsupported_value", { key }));
          return scalar(item[1], key);
        });
        continue;
      }
      if (rest.some((line) => line.trim() && !/^\s*#/.test(line))) {
        throw new Unreadable(t("unsupported_value", { key }));
      }
      values[key] = scalar(first, key);
    }
    return values;
  }

  function writtenLines(key, value) {
    if (key === "slogans") {
      const items = value.map((item) => item.trim()).filter(Boolean);
      if (!items.length) return [];
      return ["slogans:"].concat(items.map((item) => "  - " + JSON.stringify(item)));
    }
    if (value === null || value === undefined || String(value).trim() === "") return [];
    return [key + ": " + JSON.stringify(String(value).trim())];
  }

  /* The statement with the lines of *key* replaced by *value*'s (removed when empty). */
  function writeFrontMatter(source, key, value) {
    const lines = splitLines(source);
    const bounds = frontMatterBounds(lines);
    const replacement = writtenLines(key, value);
    if (!bounds) {
      if (!replacement.length) return source;
      return ["---"].concat(replacement, ["---", ""]).join("\n") + "\n" + source;
    }
    const place = keyLines(lines, bounds)[key];
    if (place) {
      lines.splice(place.start, place.end - place.start, ...replacement);
    } else {
      lines.splice(bounds.close, 0, ...replacement);
    }
    return lines.join("\n");
  }

  /* the form only edits the text: Enter in a field never sends it anywhere */
  $("front-matter").addEventListener("submit", (event) => event.preventDefault());
  const formFields = Array.from(document.querySelectorAll("#front-matter [data-key]"));
  const accentOn = $("fm-accent-on");

  function fieldValue(field) {
    if (field.dataset.key === "slogans") return field.value.split("\n");
    if (field.dataset.key === "accent") return accentOn.checked ? field.value : "";
    return field.value;
  }

  function showFormFromText() {
    let values;
    try {
      values = readFrontMatter(text.value);
    } catch (error) {
      if (!(error instanceof Unreadable)) throw error;
      frontMatterStatus.textContent = t("front_matter_unread", { reason: error.message });
      frontMatterStatus.hidden = false;
      return;
    }
    frontMatterStatus.hidden = true;
    for (const field of formFields) {
      const key = field.dataset.key;
      const value = values[key];
      if (key === "slogans") {
        field.value = (value || []).join("\n");
      } else if (key === "accent") {
        accentOn.checked = Boolean(value);
        const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(value || "");
        if (hex) {
          const digits = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
          field.value = "#" + digits.toLowerCase();
        }
      } else if (key === "date") {
        field.value = /^\d{4}-\d{2}-\d{2}$/.test(value || "") ? value : "";
      } else {
        field.value = value || "";
      }
    }
  }

  function writeField(field) {
    let lines;
    try {
      lines = splitLines(text.value);
      frontMatterBounds(lines);
    } catch (error) {
      if (!(error instanceof Unreadable)) throw error;
      frontMatterStatus.textContent = t("front_matter_unread", { reason: error.message });
      frontMatterStatus.hidden = false;
      return;
    }
    text.value = writeFrontMatter(text.value, field.dataset.key, fieldValue(field));
    textChanged();
  }

  for (const field of formFields) {
    field.addEventListener("input", () => {
      if (field === $("fm-accent")) accentOn.checked = true; /* choosing a colour is using it */
      writeField(field);
    });
  }
  accentOn.addEventListener("change", () => writeField($("fm-accent")));

  /* ---------- problems beside the text ---------- */

  function goToLine(line) {
    const lines = text.value.split("\n");
    const index = Math.max(0, Math.min(line, lines.length) - 1);
    let start = 0;
    for (let i = 0; i < index; i++) start += lines[i].length + 1;
    text.focus();
    /* the browser scrolls the selection into view (wrapped lines included) */
    text.setSelectionRange(start, start + lines[index].length);
  }

  let shownProblems = "";

  function showProblems(list) {
    /* the same problems again are not announced again (the list is a live region) */
    const key = JSON.stringify(list);
    if (key === shownProblems) return;
    shownProblems = key;
    problems.replaceChildren();
    for (const problem of list) {
      const item = document.createElement("li");
      item.className = "problem " + problem.kind;
      if (Number.isInteger(problem.line)) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = t("line", { line: problem.line });
        button.setAttribute("aria-label", t("go_to_line", { line: problem.line }));
        button.dataset.line = String(problem.line);
        button.addEventListener("click", () => goToLine(problem.line));
        item.append(button);
      }
      item.append(messageElement(problem.shown));
      problems.append(item);
    }
  }

  /* *message*: text in the page's language, or a message shown with local() */
  function setStatus(message, kind) {
    showStatus(status, message);
    status.className = "status" + (kind ? " " + kind : "");
  }

  function showStatus(element, ...parts) {
    element.replaceChildren(...parts.map((part, index) => {
      const separated = index ? " " : "";
      if (typeof part === "string") return separated + part;
      const shown = messageElement(part);
      return index ? [separated, shown] : [shown];
    }).flat());
  }

  /* ---------- what is sent ---------- */

  function options() {
    const pages = parseInt($("pages").value, 10);
    return {
      pages: Number.isInteger(pages) && pages > 0 ? pages : null,
      bleed: $("bleed").checked ? "3mm" : null,
      marks: $("marks").checked,
      pdf_variant: $("pdf-variant").value || null,
      paper: $("paper").value,
    };
  }

  function request(extra) {
    const body = {
      source: text.value,
      format: state.format,
      template: state.template,
      options: options(),
    };
    if (state.logo) body.logo = state.logo;
    return Object.assign(body, extra || {});
  }

  /* ---------- live preview ---------- */

  let previewTimer = null;
  let previewController = null;
  let previewBusy = false;

  function schedulePreview(delay) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, delay === undefined ? PREVIEW_DELAY : delay);
  }

  async function runPreview() {
    if (previewController) previewController.abort();
    const controller = new AbortController();
    previewController = controller;
    previewBusy = true;
    setStatus(t("rendering"), "busy");
    try {
      const response = await api("api/preview", {
        json: request({ width: PREVIEW_WIDTH, first_page_only: false }),
        signal: controller.signal,
      });
      const answer = await response.json();
      if (controller !== previewController) return;
      preview = answer;
      showPreview(answer);
      showProblems((answer.warnings || []).map((warning) => ({
        kind: "warning", shown: local(warning), line: warning.line,
      })));
      setStatus(t("rendered", { pages: answer.page_count }), "");
    } catch (error) {
      if (error.name === "AbortError" || controller !== previewController) return;
      if (error.status === 503) {
        setStatus(t("busy"), "busy");
        schedulePreview(1000 * (error.retryAfter || 2));
        return;
      }
      setStatus(t("render_failed"), "failed");
      showProblems([{ kind: "error", shown: shownError(error), line: error.line }]);
    } finally {
      if (controller === previewController) {
        previewBusy = false;
        previewController = null;
        nextThumbnail();
      }
    }
  }

  function pageLinkName(number) {
    return slug() + "-" + state.format + "-" + String(number).padStart(2, "0") + ".png";
  }

  function noteList(notes) {
    const list = document.createElement("ul");
    list.className = "note-list";
    for (const note of notes) {
      const item = document.createElement("li");
      item.className = "note";
      if (note.prefix) item.append(note.prefix + ": ");
      item.append(messageElement(local(note)));
      list.append(item);
    }
    return list;
  }

  function showPreview(answer) {
    const container = $("preview-pages");
    const general = $("piece-notes");
    const pages = answer.pages || [];
    const notes = answer.notes || [];
    const spreads = answer.spreads || pages.map((page, index) => [index + 1]);
    general.replaceChildren();
    const pieceNotes = notes.filter((note) => !Number.isInteger(note.page));
    if (pieceNotes.length) {
      const heading = document.createElement("h3");
      heading.textContent = t("notes_general");
      general.append(heading, noteList(pieceNotes));
    }
    const figures = [];
    for (const spread of spreads) {
      const figure = document.createElement("figure");
      figure.className = "spread";
      const row = document.createElement("div");
      row.className = "spread-pages";
      for (const number of spread) {
        const page = pages[number - 1];
        if (!page) continue;
        const sheet = document.createElement("div");
        sheet.className = "sheet";
        const image = document.createElement("img");
        image.src = page.png;
        image.width = page.width;
        image.height = page.height;
        image.alt = t("spread_alt", { page: number });
        const link = document.createElement("a");
        link.className = "page-link";
        link.href = page.png;
        link.download = pageLinkName(number);
        link.textContent = t("page_png", { page: number });
        sheet.append(image, link);
        row.append(sheet);
      }
      figure.append(row);
      const own = notes.filter((note) => spread.includes(note.page));
      if (own.length) {
        const caption = document.createElement("figcaption");
        const heading = document.createElement("span");
        heading.className = "visually-hidden";
        heading.textContent = t("notes_for_page", { page: spread.join("–") });
        /* in a spread, each note says which of its pages it is about */
        const named = spread.length > 1
          ? own.map((note) => Object.assign({ prefix: t("page", { page: note.page }) }, note))
          : own;
        caption.append(heading, noteList(named));
        figure.append(caption);
      }
      figures.push(figure);
    }
    container.replaceChildren(...figures);
  }

  /* ---------- template thumbnails, with the user's own text ---------- */

  let thumbnailTimer = null;
  let thumbnailQueue = [];
  let thumbnailController = null;

  function scheduleThumbnails(delay) {
    clearTimeout(thumbnailTimer);
    thumbnailQueue = [];
    if (thumbnailController) thumbnailController.abort();
    thumbnailController = null;
    thumbnailTimer = setTimeout(() => {
      thumbnailQueue = templates.map((template) => template.name);
      nextThumbnail();
    }, delay === undefined ? THUMBNAIL_DELAY : delay);
  }

  async function nextThumbnail() {
    if (thumbnailController || previewBusy || !thumbnailQueue.length) return;
    const name = thumbnailQueue.shift();
    const picture = document.querySelector(`.thumb-picture[data-template="${CSS.escape(name)}"]`);
    const controller = new AbortController();
    thumbnailController = controller;
    try {
      const response = await api("api/preview", {
        json: request({ template: name, width: THUMBNAIL_WIDTH, first_page_only: true }),
        signal: controller.signal,
      });
      const answer = await response.json();
      const page = (answer.pages || [])[0];
      if (picture && page) {
        const image = document.createElement("img");
        image.src = page.png;
        image.width = page.width;
        image.height = page.height;
        image.alt = "";
        picture.replaceChildren(image);
      }
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error.status === 503) {
        thumbnailQueue.unshift(name);
        setTimeout(nextThumbnail, 1000 * (error.retryAfter || 2));
      } else if (picture && !picture.querySelector("img")) {
        picture.textContent = t("thumbnail_failed");
      }
    } finally {
      if (thumbnailController === controller) {
        thumbnailController = null;
        nextThumbnail();
      }
    }
  }

  function showTemplates() {
    const container = $("templates");
    container.replaceChildren();
    for (const template of templates) {
      const id = "template-" + template.name;
      const box = document.createElement("div");
      box.className = "thumb";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "template";
      radio.id = id;
      radio.value = template.name;
      radio.checked = template.name === state.template;
      radio.setAttribute("aria-describedby", id + "-description");
      radio.addEventListener("change", () => {
        state.template = template.name;
        save();
        schedulePreview(0);
      });
      const label = document.createElement("label");
      label.htmlFor = id;
      const picture = document.createElement("span");
      picture.className = "thumb-picture";
      picture.dataset.template = template.name;
      picture.textContent = t("thumbnail_wait");
      const name = document.createElement("span");
      name.className = "thumb-name";
      name.textContent = template.name;
      const description = document.createElement("span");
      description.className = "thumb-description";
      description.id = id + "-description";
      description.textContent = describe(template.description);
      label.append(picture, name, description);
      box.append(radio, label);
      container.append(box);
    }
  }

  /* ---------- formats and options ---------- */

  function currentFormat() {
    return formats.find((format) => format.name === state.format) || null;
  }

  function showFormats() {
    formatSelect.replaceChildren();
    const groups = new Map();
    for (const format of formats) {
      if (!groups.has(format.kind)) {
        const group = document.createElement("optgroup");
        group.label = messages["kind_" + format.kind] || format.kind;
        groups.set(format.kind, group);
        formatSelect.append(group);
      }
      const option = document.createElement("option");
      option.value = format.name;
      option.textContent = format.name + " — " + describe(format.description);
      groups.get(format.kind).append(option);
    }
    if (!currentFormat() && formats.length) state.format = formats[0].name;
    formatSelect.value = state.format;
    formatChanged();
  }

  function formatChanged() {
    const format = currentFormat();
    $("format-description").textContent = format ? describe(format.description) : "";
    let key = "download_pdf";
    if (format && format.kind === "share") key = "download_share";
    else if (format && format.kind === "poster") key = "download_posters";
    else if (format && format.imposed) key = "download_booklet";
    $("download-pdf").textContent = t(key, { format: state.format });
  }

  formatSelect.addEventListener("change", () => {
    state.format = formatSelect.value;
    formatChanged();
    save();
    schedulePreview(0);
    scheduleThumbnails();
  });

  function showOptions() {
    $("pages").value = state.options.pages || "";
    $("bleed").checked = Boolean(state.options.bleed);
    $("marks").checked = Boolean(state.options.marks);
    $("pdf-variant").value = state.options.pdf_variant || "";
    $("paper").value = state.options.paper || "coated";
  }

  for (const id of ["pages", "bleed", "marks", "pdf-variant", "paper"]) {
    $(id).addEventListener("change", () => {
      const chosen = options();
      state.options = Object.assign(chosen, { pdf_variant: chosen.pdf_variant || "" });
      save();
      schedulePreview();
    });
  }

  /* ---------- the text ---------- */

  function textChanged() {
    save();
    schedulePreview();
    scheduleThumbnails();
  }

  text.addEventListener("input", () => {
    showFormFromText();
    textChanged();
  });

  /* ---------- downloads ---------- */

  function slug() {
    const title = (readTitle() || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    const words = title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "");
    return words.slice(0, 60).replace(/-+$/, "") || "statement";
  }

  function readTitle() {
    try {
      return readFrontMatter(text.value).title;
    } catch (error) {
      return "";
    }
  }

  function save_as(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    setStatus(t("downloaded", { name }), "");
  }

  function attachmentName(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  async function withButton(button, work) {
    button.disabled = true;
    setStatus(t("downloading"), "busy");
    try {
      await work();
    } catch (error) {
      setStatus(shownError(error), "failed");
      if (error.message) showProblems([{ kind: "error", shown: shownError(error), line: error.line }]);
    } finally {
      button.disabled = false;
    }
  }

  $("download-pdf").addEventListener("click", (event) => withButton(event.currentTarget, async () => {
    const response = await api("api/render", { json: request() });
    const format = currentFormat();
    const extension = format && format.kind === "share" ? ".png" : ".pdf";
    const blob = await response.blob();
    save_as(blob, attachmentName(response, slug() + "-" + state.format + extension));
  }));

  $("download-ticket").addEventListener("click", (event) => withButton(event.currentTarget, async () => {
    const response = await api("api/job", { json: request() });
    const answer = await response.json();
    save_as(new Blob([answer.text], { type: "text/plain;charset=utf-8" }),
      slug() + "-" + state.format + "-job.txt");
  }));

  $("download-previews").addEventListener("click", (event) => withButton(event.currentTarget, async () => {
    if (!preview || !preview.pages.length) {
      await runPreview();
    }
    if (!preview) return;
    preview.pages.forEach((page, index) => {
      const link = document.createElement("a");
      link.href = page.png;
      link.download = pageLinkName(index + 1);
      document.body.append(link);
      link.click();
      link.remove();
    });
    setStatus(t("downloaded", { name: pageLinkName(1) + (preview.pages.length > 1 ? " …" : "") }), "");
  }));

  $("download-statement").addEventListener("click", () => {
    save_as(new Blob([text.value], { type: "text/markdown;charset=utf-8" }), slug() + ".md");
  });

  /* ---------- importing ---------- */

  const dialog = $("import-dialog");
  let imported = null;

  function openImport(answer) {
    imported = answer || null;
    $("import-paste").hidden = Boolean(answer);
    $("import-result").hidden = !answer;
    $("import-run").hidden = Boolean(answer);
    $("import-accept").hidden = !answer;
    $("import-status").textContent = answer ? t("imported") : "";
    if (answer) {
      /* items: texts in the page's language, or messages shown with local() */
      const list = (id, items, empty) => {
        const element = $(id);
        element.replaceChildren();
        for (const entry of items.length ? items : empty ? [empty] : []) {
          const item = typeof entry === "string" ? document.createElement("li")
            : messageElement(entry, "li");
          if (typeof entry === "string") item.textContent = entry;
          element.append(item);
        }
      };
      const guesses = answer.guess_messages || (answer.guesses || []).map((text) => ({ text }));
      list("import-guesses", guesses.map(local), t("nothing_guessed"));
      list("import-report", (answer.report || []).map((text) => local({ text })), null);
      $("import-source").value = answer.source;
    }
    if (!dialog.open) dialog.showModal();
    /* the guesses are read first: the dialog starts at its top, the button ready to press */
    (answer ? $("import-accept") : $("import-text")).focus({ preventScroll: true });
    dialog.scrollTop = 0;
  }

  $("paste-plain").addEventListener("click", () => {
    $("import-text").value = "";
    openImport(null);
  });

  $("import-run").addEventListener("click", async () => {
    const pasted = $("import-text").value;
    if (!pasted.trim()) return;
    $("import-status").textContent = t("importing");
    try {
      const response = await api("api/import", { json: { text: pasted, kind: "txt" } });
      openImport(await response.json());
    } catch (error) {
      showStatus($("import-status"), t("import_failed"), shownError(error));
    }
  });

  $("import-accept").addEventListener("click", () => {
    if (!imported) return;
    text.value = imported.source;
    dialog.close();
    showFormFromText();
    textChanged();
    schedulePreview(0);
    text.focus();
  });

  $("statement-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_TEXT * 5) {
      setStatus(t("file_too_large"), "failed");
      return;
    }
    if (/\.(md|markdown)$/i.test(file.name)) {
      text.value = await file.text();
      showFormFromText();
      textChanged();
      schedulePreview(0);
      return;
    }
    setStatus(t("importing"), "busy");
    const form = new FormData();
    form.append("statement", file, file.name);
    try {
      const response = await api("api/import", { form });
      setStatus("", "");
      openImport(await response.json());
    } catch (error) {
      showStatus(status, t("import_failed"), shownError(error));
      status.className = "status failed";
    }
  });

  /* ---------- the logo ---------- */

  function showLogo() {
    $("logo-status").textContent = state.logo ? t("logo_set", { name: state.logo.name }) : "";
    $("remove-logo").hidden = !state.logo;
  }

  $("remove-logo").addEventListener("click", () => {
    state.logo = null;
    saveLogo();
    try {
      text.value = writeFrontMatter(text.value, "logo", "");
    } catch (error) {
      if (!(error instanceof Unreadable)) throw error;
    }
    showLogo();
    textChanged();
    $("logo-file").focus();
  });

  $("logo-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_IMAGE) {
      setStatus(t("file_too_large"), "failed");
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      const data = String(reader.result).replace(/^data:[^,]*,/, "");
      const extension = (/\.[A-Za-z0-9]{1,5}$/.exec(file.name) || [".png"])[0].toLowerCase();
      const stem = file.name.slice(0, -extension.length).replace(/[^A-Za-z0-9_-]+/g, "-")
        .replace(/^-+|-+$/g, "").slice(0, 40) || "logo";
      state.logo = { name: stem + extension, data };
      saveLogo();
      try {
        text.value = writeFrontMatter(text.value, "logo", state.logo.name);
      } catch (error) {
        if (!(error instanceof Unreadable)) throw error;
      }
      showLogo();
      textChanged();
      schedulePreview(0);
    });
    reader.readAsDataURL(file);
  });

  /* ---------- start ---------- */

  async function start() {
    /* the language links keep the token (in the address's fragment, never sent to the server) */
    if (token) {
      for (const link of document.querySelectorAll(".languages a")) {
        link.href = link.getAttribute("href") + location.hash;
      }
    }
    if (!load()) state.text = sample();
    text.value = state.text;
    showOptions();
    showFormFromText();
    showLogo();
    try {
      const [formatAnswer, templateAnswer] = await Promise.all([
        api("api/formats").then((response) => response.json()),
        api("api/templates").then((response) => response.json()),
      ]);
      formats = formatAnswer;
      templates = templateAnswer;
    } catch (error) {
      setStatus(shownError(error), "failed");
      return;
    }
    if (!templates.some((template) => template.name === state.template) && templates.length) {
      state.template = templates[0].name;
    }
    showFormats();
    showTemplates();
    schedulePreview(0);
    scheduleThumbnails(0);
  }

  start();
})();
