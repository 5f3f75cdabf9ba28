/* Viewmark sheets, the browser's part: draws the sheet the server rendered for a view (dashboards/callbacks.py)
   by changing only what differs from the sheet on screen. Dash mounts anew every component under a
   `children` a callback replaces: each graph drawn from nothing, each table built again. When the new sheet
   has the shape of the one shown (same sheet, same cards), the parts that differ — a figure, a table's rows,
   the KPI cards, a caption — are set in place on their components (their ids: core/ids.py, visual_part),
   and a graph redraws its new figure on the plot it has (docs/architecture.md, "Drawing a view").
   Loaded by Dash from assets/; no inline script (CSP). */
(function () {
  "use strict";

  function isComponent(value) {
    return !!value && typeof value === "object" && !Array.isArray(value) && typeof value.type === "string"
      && typeof value.namespace === "string" && !!value.props && typeof value.props === "object";
  }

  // Plotly decodes an array the server sent packed ({dtype, bdata}) onto that object, as `_inputArray`: the
  // figure on screen holds a key the one sent never has, and is the same figure still. Counted a change, it
  // had every graph redrawn at each view change, those whose figure was the same too.
  function keysOf(object) {
    return Object.keys(object).filter(function (key) { return object[key] !== undefined && key !== "_inputArray"; });
  }

  function same(a, b) {
    if (a === b) {
      return true;
    }
    if (Array.isArray(a)) {
      return Array.isArray(b) && a.length === b.length && a.every(function (item, n) { return same(item, b[n]); });
    }
    if (!a || !b || typeof a !== "object" || typeof b !== "object" || Array.isArray(b)) {
      return false;
    }
    var keys = keysOf(a), others = keysOf(b);
    return keys.length === others.length && keys.every(function (key) { return same(a[key], b[key]); });
  }

  // Collects in `updates` the [id, props] that turn `shown` into `next`; false when that cannot be done by
  // setting props of components with ids (another shape, or a change to a component without an id): the
  // nearest component with an id around it then takes `next` whole, as its children.
  function patch(shown, next, updates) {
    if (Array.isArray(next)) {
      return Array.isArray(shown) && shown.length === next.length
        && next.every(function (item, n) { return patch(shown[n], item, updates); });
    }
    if (!isComponent(next)) {
      return same(shown, next);
    }
    if (!isComponent(shown) || shown.type !== next.type || shown.namespace !== next.namespace
        || !same(shown.props.id, next.props.id)) {
      return false;
    }
    var id = next.props.id;
    var changed = {};
    // Only the props the server sends are compared: those a component sets itself (a graph's hovered or
    // clicked mark, its zoom) are its own. A click is a change however often the same mark is clicked:
    // dcc.Graph stamps each click with its time.
    var keys = Object.keys(next.props);
    for (var n = 0; n < keys.length; n++) {
      var key = keys[n], before = shown.props[key], after = next.props[key];
      if (key === "id" || same(before, after)) {
        continue;
      }
      if (key === "children") {
        var inner = [];
        if (patch(before, after, inner)) {
          Array.prototype.push.apply(updates, inner);
          continue;
        }
      }
      if (id === undefined) {
        return false;
      }
      changed[key] = after;
    }
    if (Object.keys(changed).length) {
      updates.push([id, changed]);
    }
    return true;
  }

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_sheet = {
    // The sheet's body for a view → the sheet's children when it is drawn anew, or no update when its
    // parts were set in place.
    place: function (body, shown) {
      var none = window.dash_clientside.no_update;
      if (body === null || body === undefined) {
        return none;
      }
      var updates = [];
      if (!patch(shown, body, updates)) {
        return body;
      }
      updates.forEach(function (update) { window.dash_clientside.set_props(update[0], update[1]); });
      return none;
    }
  };
})();
