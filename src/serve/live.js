// Live reload for `signposter serve`. Injected only by the dev server.
// Reloads this page when its HTML changed (keeping the scroll position),
// swaps stylesheets in place when only CSS changed, and shows build errors
// over the page until they are fixed.
(function () {
  "use strict";
  var SCROLL_KEY = "signposter:scroll";
  var OVERLAY_ID = "signposter-errors";

  function here() {
    var path = location.pathname;
    return path.endsWith("/index.html") ? path.slice(0, -10) : path;
  }

  // Come back to where the reader was before a reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    sessionStorage.removeItem(SCROLL_KEY);
    if (saved && saved.path === here()) {
      window.addEventListener("load", function () {
        window.scrollTo({ left: saved.x, top: saved.y, behavior: "instant" });
      });
    }
  } catch (e) { /* storage may be unavailable; reloading still works */ }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: here(), x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function affectsThisPage(changed) {
    var page = here();
    return changed.some(function (path) {
      // This page, or a file it shows (an image, a script) rather than another page.
      return path === page || !(path.endsWith("/") || path.endsWith(".html"));
    });
  }

  function swapStylesheets(changed) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      if (changed.indexOf(url.pathname) >= 0) {
        url.searchParams.set("v", String(Date.now()));
        links[i].href = url.toString();
      }
    }
  }

  function hideOverlay() {
    var overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  }

  function showOverlay(problems) {
    hideOverlay();
    var overlay = document.createElement("div");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", OVERLAY_ID + "-title");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(11,12,12,.94);color:#fff;" +
      "font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px;";
    var title = document.createElement("h2");
    title.id = OVERLAY_ID + "-title";
    title.textContent = "The site did not build. Fix this and save; the page updates by itself.";
    title.style.cssText = "font:700 18px/1.4 system-ui,sans-serif;margin:0 0 16px;color:#ffdd00;";
    var text = document.createElement("pre");
    text.textContent = problems.join("\n\n");
    text.style.cssText = "white-space:pre-wrap;margin:0 0 16px;color:#fff;background:none;border:0;";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide until the next change";
    close.style.cssText = "font:16px system-ui,sans-serif;padding:8px 16px;min-height:44px;cursor:pointer;";
    close.addEventListener("click", hideOverlay);
    overlay.appendChild(title);
    overlay.appendChild(text);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
    close.focus();
  }

  function listen() {
    var source = new EventSource("/__signposter/events");
    // Lets people (and tests) see the preview is listening for changes.
    source.addEventListener("open", function () {
      document.documentElement.setAttribute("data-live-reload", "connected");
    });
    source.addEventListener("reload", function (event) {
      if (affectsThisPage(JSON.parse(event.data).changed)) reload();
    });
    source.addEventListener("css", function (event) {
      swapStylesheets(JSON.parse(event.data).changed);
    });
    source.addEventListener("errors", function (event) {
      showOverlay(JSON.parse(event.data).problems);
    });
    source.addEventListener("ok", hideOverlay);
  }

  listen();
})();
