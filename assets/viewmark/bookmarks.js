/* Viewmark bookmarks, the browser's part: follow the address bar (back/forward) and keep the keyboard
   focus on a bookmark after moving it. Loaded by Dash from assets/; no inline script (CSP). */
(function () {
  "use strict";

  // The canonical JSON of a view state (sorted keys), as the server compares states.
  function canonical(value) {
    if (Array.isArray(value)) {
      return "[" + value.map(canonical).join(",") + "]";
    }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (key) {
        return JSON.stringify(key) + ":" + canonical(value[key]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // The ?state= of a search string: null when absent, undefined when it is not JSON.
  function stateOf(search) {
    var raw = new URLSearchParams(search || "").get("state");
    if (raw === null) {
      return null;
    }
    try {
      return JSON.parse(raw);
    } catch (e) {
      return undefined;
    }
  }

  // The ids of the buttons whose click triggered the running callback (assets/viewmark/clicks.js).
  function clickedIds() {
    return window.dash_clientside.viewmark_clicks.clicked();
  }

  // A bookmark's ⋮ menu gets its items when it is opened, by a click or a key on its toggle: the line holds
  // them as data (bookmarks/ui.py, data-menu), so a list of many bookmarks carries no item components until
  // one is wanted (each component on the page costs every later update of the page). Listened to before
  // the menu's own handlers, so the items are there when it opens and moves the focus to the first.
  var MENU_KEYS = ["Enter", " ", "ArrowDown", "ArrowUp"];
  function fillMenu(event) {
    var toggle = event.target && event.target.closest ? event.target.closest(".vm-bookmark-menu-toggle") : null;
    if (!toggle || (event.type === "keydown" && MENU_KEYS.indexOf(event.key) < 0)) {
      return;
    }
    var menu = toggle.closest(".vm-bookmark-menu"), line = toggle.closest(".vm-bookmark");
    var clientside = window.dash_clientside;
    if (!menu || !line || !line.dataset.menu || menu.querySelector(".dropdown-item") || !clientside.set_props) {
      return;
    }
    clientside.set_props(JSON.parse(menu.id), {children: JSON.parse(line.dataset.menu)});
  }
  document.addEventListener("click", fillMenu, true);
  document.addEventListener("keydown", fillMenu, true);

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_bookmarks = {
    // Add clicked, or Enter in the name: the name and the view on screen, as the request the server saves.
    // A bookmark's Update chosen: that bookmark and the view on screen, as the request the server saves.
    // The view is an input of this callback, so it runs once a change of view under way has answered; a
    // change of view alone (no click or Enter among the triggers) asks for nothing. Set, not answered as an
    // output, for the reason shares.js gives at its request. The Update items are pattern-matched, so the
    // bookmark is read from the id of the one clicked; items that only appeared (a menu opened, a new list)
    // have no clicks and ask for nothing.
    save_request: function (addClicks, submits, updateClicks, state, name, addId, nameId, addRequestId,
                            updateRequestId) {
      var set = window.dash_clientside.set_props;
      var triggered = window.dash_clientside.callback_context.triggered || [];
      var adding = triggered.some(function (t) {
        return t.prop_id === addId + ".n_clicks" || t.prop_id === nameId + ".n_submit";
      });
      if ((addClicks || submits) && adding) {
        set(addRequestId, {data: {name: name || "", state: state, at: Date.now()}});
      }
      var updated = null;
      clickedIds().forEach(function (id) {
        if (id && id.action === "update") {
          updated = id.bookmark;
        }
      });
      if (updated !== null) {
        set(updateRequestId, {data: {bookmark: updated, state: state, at: Date.now()}});
      }
    },

    // A bookmark, the Original or Reset clicked: which one, as the request the view's callback answers with
    // the bookmark's view (bookmarks/callbacks.py, APPLYING). Set here, in the browser, so that the pane's
    // buttons drawn anew (a new list) cost no request: they have no clicks and ask for nothing.
    apply_request: function (resetClicks, applyClicks, requestId, resetId) {
      var asked = null;
      clickedIds().forEach(function (id) {
        if (id === resetId) {
          asked = "original";
        } else if (id && id.action === "apply") {
          asked = id.bookmark;
        }
      });
      if (asked !== null) {
        window.dash_clientside.set_props(requestId, {data: {bookmark: asked, at: Date.now()}});
      }
    },

    // The applied bookmark's line marked (bookmarks/ui.py, ACTIVE), the others not; no bookmark applied: the
    // Original's line. Each line's apply button says whether it is the current one. Set only on the lines
    // that change (two at most): each prop dash-renderer sets, even to the value it has, makes every
    // component on the page check whether it changed (docs/architecture.md, "Drawing a view").
    mark: function (active, classes, items, current, buttons) {
      var set = window.dash_clientside.set_props;
      var chosen = active && active.id !== undefined && active.id !== null ? String(active.id) : "original";
      var isChosen = function (id) { return String(id.bookmark) === chosen; };
      items.forEach(function (id, n) {
        var kept = (classes[n] || "").split(/\s+/).filter(function (name) {
          return name && name !== "vm-bookmark-active";
        });
        var wanted = kept.concat(isChosen(id) ? ["vm-bookmark-active"] : []).join(" ");
        if (wanted !== classes[n]) {
          set(id, {className: wanted});
        }
      });
      buttons.forEach(function (id, n) {
        var wanted = isChosen(id) ? "true" : null;
        if (wanted !== (current[n] === undefined ? null : current[n])) {
          set(id, {"aria-current": wanted});
        }
      });
    },

    // The address changed (back, forward): apply its state unless the page shows it already or another
    // page is being opened. A URL without ?state= means the state the page opened with. The server
    // validates whatever is requested, as it does for every state.
    follow_url: function (search, pathname, current, opened, dashboardId) {
      var none = window.dash_clientside.no_update;
      if ((pathname || "").replace(/\/+$/, "") !== "/dashboards/" + dashboardId) {
        return none;
      }
      var wanted = stateOf(search);
      if (wanted === undefined) {
        return none;
      }
      if (wanted === null) {
        wanted = opened;
      }
      // A late answer for the page just left can put that page's state in the address: not ours.
      if (wanted && wanted.dashboard !== undefined && wanted.dashboard !== dashboardId) {
        return none;
      }
      if (!wanted || canonical(wanted) === canonical(current)) {
        return none;
      }
      return {state: wanted, nonce: String(Date.now()) + String(Math.random())};
    },

    // The view a dashboard opened with (a default, the last view, the Original) goes into the address bar
    // in place of the bare /dashboards/<id>, so the address always holds the view on screen.
    show_opened: function (search, dashboardId) {
      var path = window.location.pathname.replace(/\/+$/, "");
      if (search && path === "/dashboards/" + dashboardId && stateOf(window.location.search) === null) {
        window.history.replaceState(window.history.state, "", path + search + window.location.hash);
        // dcc.Location must hear of it: with a stale href it would push that href on its next change.
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        return true;
      }
      return window.dash_clientside.no_update;
    },

    focus: function (domId) {
      if (domId) {
        setTimeout(function () {
          var element = document.getElementById(domId);
          if (element) {
            element.focus();
          }
        }, 50);
      }
    }
  };
})();
