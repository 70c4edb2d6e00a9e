// SCORM 1.2: find the LMS's API object (window.API in this window or a parent or opener), say the
// lesson has started, and report it completed when the story reaches an ending. Without an LMS
// (the site opened on its own) every call does nothing.
(function () {
  function findAPI(win) {
    for (let tries = 0; win && tries < 10; tries++) {
      try { if (win.API) return win.API; } catch (e) { return null; }
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  let api = findAPI(window);
  if (!api && window.opener) api = findAPI(window.opener);
  let open = false;
  if (api) {
    try {
      open = String(api.LMSInitialize("")) === "true";
      if (open && String(api.LMSGetValue("cmi.core.lesson_status")) === "not attempted") {
        api.LMSSetValue("cmi.core.lesson_status", "incomplete");
        api.LMSCommit("");
      }
    } catch (e) { open = false; }
  }
  window.hungary56Scorm = {
    completed(ending) {
      if (!open) return false;
      api.LMSSetValue("cmi.core.lesson_status", "completed");
      api.LMSSetValue("cmi.core.lesson_location", String(ending).slice(0, 255));
      api.LMSCommit("");
      return true;
    },
  };
  window.addEventListener("pagehide", () => { if (open) { try { api.LMSFinish(""); } catch (e) { /* the LMS is gone */ } open = false; } });
})();
