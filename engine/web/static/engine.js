// The one module that talks to Pyodide: it starts Python, unpacks the engine, and wraps the
// adapter (engine/web/adapter.py). Everything it returns is plain data parsed from JSON, so the
// rest of the page never touches a Python object. Pyodide's version is pinned in
// engine/web/pyodide.py; its files are in ./pyodide/ beside this one.

let pyodidePromise = null;

async function python(progress) {
  if (!pyodidePromise) {
    pyodidePromise = (async () => {
      progress("Starting Python (the first visit downloads about 7 MB)…");
      // The engine and the story download while Python starts.
      const parts = Promise.all([
        fetch(new URL("./engine.zip", import.meta.url)).then(check).then((r) => r.arrayBuffer()),
        fetch(new URL("./story.json", import.meta.url)).then(check).then((r) => r.text()),
      ]);
      parts.catch(() => {});  // reported below, once Python has started
      const base = new URL("./pyodide/", import.meta.url).href;
      const { loadPyodide } = await import("./pyodide/pyodide.mjs");
      const py = await loadPyodide({ indexURL: base, packageBaseUrl: base, stdout: () => {}, stderr: (line) => console.warn(line) });
      performance.mark("hungary56-python");
      progress("Loading the story engine…");
      const [zip, story] = await parts;
      py.unpackArchive(zip, "zip", { extractDir: "/hungary56" });
      py.runPython("import sys\nif '/hungary56' not in sys.path: sys.path.insert(0, '/hungary56')");
      const adapter = py.pyimport("engine.web.adapter");
      return { py, adapter, story };
    })();
    pyodidePromise.catch(() => { pyodidePromise = null; });  // the next try starts afresh
  }
  return pyodidePromise;
}

function check(response) {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${response.statusText}`);
  return response;
}

// A game: each method answers the adapter's JSON as an object.
export async function newGame({ teacher = false, reveal = "choice", progress = () => {} } = {}) {
  const { adapter, story } = await python(progress);
  const web = adapter.Web.callKwargs(story, { teacher, reveal });
  const call = (name, ...args) => JSON.parse(web[name](...args));
  return {
    start: (save = "") => call("start", save),
    startChapter: (chapter) => call("start_chapter", chapter),
    send: (line) => call("send", line),
    choose: (key) => call("choose", key),
    loadSave: (text, slot = "file") => call("load_save", text, slot),
    configure: (reveal) => call("configure", reveal),
    catalogue: () => call("catalogue"),
    saveJson: () => web.save_json(),
    reason: (text) => web.reason(text),
    transcript: () => web.transcript_markdown(),
    close: () => web.destroy(),
  };
}

// Pyodide's own empty start, for bench/run.py: the same load without the engine.
export async function emptyStart() {
  const t0 = performance.now();
  const base = new URL("./pyodide/", import.meta.url).href;
  const { loadPyodide } = await import("./pyodide/pyodide.mjs");
  const py = await loadPyodide({ indexURL: base, packageBaseUrl: base, stdout: () => {} });
  py.runPython("1 + 1");
  return performance.now() - t0;
}
