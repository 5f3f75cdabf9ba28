/* Viewmark presentations, the browser's part: stepping, the timer, the keys, the address and full screen.
   Loaded by Dash from assets/; no inline script (CSP). The server renders slides (presentations/). */
(function () {
  "use strict";

  var ROOT = "vm-present-root";
  var entered = false;  // whether the player asked for full screen (leaving it then leaves the player)

  function none() { return window.dash_clientside.no_update; }
  function click(id) { var b = document.getElementById(id); if (b) { b.click(); } }
  function slideParam(search) {
    var n = parseInt(new URLSearchParams(search || "").get("slide"), 10);
    return isNaN(n) ? null : n - 1;
  }
  function progress(elapsed, seconds, playing) {
    var left = playing ? Math.max(0, 1 - elapsed / seconds) : 1;
    return {width: (left * 100) + "%", transition: playing && elapsed > 0 ? "width 1s linear" : "none"};
  }
  // The address names the slide: a step by hand is a new history entry (back and forward step through the
  // slides); a step of the timer replaces it (a wall screen must not pile up history).
  function showSlide(index, replace) {
    var url = new URL(window.location.href);
    if (slideParam(url.search) === index) { return; }
    url.searchParams.set("slide", String(index + 1));
    window.history[replace ? "replaceState" : "pushState"]({}, "", url.pathname + url.search);
    // dcc.Location keeps its props in step with the address (it would push a stale one otherwise).
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  var FRONT = "vm-present-front", BACK = "vm-present-back";
  function backStage(classes) {
    for (var n = 0; n < classes.length; n++) { if ((" " + classes[n] + " ").indexOf(" " + BACK + " ") >= 0) { return n; } }
    return classes.length - 1;
  }
  // A stage's classes with it brought to the front (or sent to the back).
  function swapped(classes, toFront) {
    var kept = (classes || "").split(/\s+/).filter(function (c) { return c && c !== FRONT && c !== BACK; });
    return kept.concat([toFront ? FRONT : BACK]).join(" ");
  }

  // The input of a user's action (a click, a tick, a step of the address); null when the callback ran
  // because the player's components appeared (as ``dashboards.clicks.clicked`` on the server).
  function acted() {
    var triggered = window.dash_clientside.callback_context.triggered || [];
    return triggered.length === 1 && triggered[0].value ? triggered[0].prop_id : null;
  }

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_present = {
    step: function (_n, _p, _f, _l, _tick, goto, index, elapsed, deck, paused, seconds) {
      var count = (deck && deck.count) || 0;
      var trigger = acted();
      var playing = !paused;
      seconds = seconds || 10;
      if (!count || !trigger) { return [none(), none(), none()]; }
      var next = index;
      if (trigger.indexOf("vm-present-tick") === 0) {
        elapsed = (elapsed || 0) + 1;
        if (elapsed < seconds) { return [none(), elapsed, progress(elapsed, seconds, playing)]; }
        next = (index + 1) % count;  // a wall screen loops
        showSlide(next, true);
        return [next === index ? none() : next, 0, progress(0, seconds, playing)];
      } else if (trigger.indexOf("present-next") === 0) {
        next = Math.min(index + 1, count - 1);
      } else if (trigger.indexOf("present-prev") === 0) {
        next = Math.max(index - 1, 0);
      } else if (trigger.indexOf("vm-present-first") === 0) {
        next = 0;
      } else if (trigger.indexOf("vm-present-last") === 0) {
        next = count - 1;
      } else if (trigger.indexOf("vm-present-goto") === 0 && goto) {
        next = Math.max(0, Math.min(goto.index, count - 1));
        return [next === index ? none() : next, 0, progress(0, seconds, playing)];
      }
      if (next !== index) { showSlide(next); }
      return [next === index ? none() : next, 0, progress(0, seconds, playing)];
    },

    play: function (_clicks, paused) {
      if (!acted()) { return [none(), none(), none(), none(), none()]; }
      var playing = paused;  // it was paused: now it plays
      return [!playing, playing ? "❚❚ Pause" : "▶ Play", playing ? "true" : "false", 0,
              progress(0, 1, playing)];
    },

    // The stages (``presentations.play``): their classes say which one is on screen.
    swap: function (index, prepared, staged, classes) {
      var back = backStage(classes);
      if (!prepared || prepared.index !== index || !staged || staged.index !== index || staged.stage !== back) {
        return [none(), none(), none(), none(), none(), none()];
      }
      return [classes.map(function (c, n) { return swapped(c, n === back); }), null,
              prepared.title, prepared.summary, prepared.counter, prepared.notices];
    },

    stage: function (prepared, classes) {
      if (!prepared) { return [none(), none()]; }
      var back = backStage(classes);
      return [classes.map(function (_c, n) { return n === back ? prepared.body : none(); }),
              {index: prepared.index, stage: back}];
    },

    place: function (shown, index, classes) {
      if (!shown || shown.index !== index) { return classes.map(none); }
      var back = backStage(classes);
      return classes.map(function (_c, n) { return n === back ? none() : shown.body; });
    },

    exit: function (_clicks, deck) {
      if (!acted()) { return [none(), none()]; }
      if (document.fullscreenElement && document.exitFullscreen) {
        entered = false;
        document.exitFullscreen().catch(function () {});
      }
      var target = new URL((deck && deck.exit) || "/", window.location.origin);
      return [target.pathname, target.search];
    },

    open: function (_clicks, dashboardId) {
      if (!acted()) { return [none(), none()]; }
      if (document.documentElement.requestFullscreen) {  // still inside the click: the browser may allow it
        document.documentElement.requestFullscreen().then(function () { entered = true; })
          .catch(function () {});
      }
      var from = window.location.pathname + window.location.search;
      return ["/present/bookmarks/" + dashboardId, "?slide=1&from=" + encodeURIComponent(from)];
    }
  };

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById(ROOT) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable)) {
      return;
    }
    var map = {ArrowRight: "present-next", PageDown: "present-next", " ": "present-next",
               ArrowLeft: "present-prev", PageUp: "present-prev", Home: "vm-present-first",
               End: "vm-present-last", Escape: "present-exit"};
    var id = map[event.key];
    if (id) {
      event.preventDefault();
      click(id);
    }
  });

  // Back and forward move between slides: the address says which.
  window.addEventListener("popstate", function () {
    var index = slideParam(window.location.search);
    if (document.getElementById(ROOT) && index !== null && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("vm-present-goto", {data: {index: index, at: Date.now()}});
    }
  });

  // Leaving full screen (Esc, in most browsers) leaves the presentation too.
  document.addEventListener("fullscreenchange", function () {
    if (!document.fullscreenElement && entered && document.getElementById(ROOT)) {
      entered = false;
      click("present-exit");
    }
  });
})();
