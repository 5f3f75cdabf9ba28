/* Clicks on the buttons of a list drawn by the server (pattern-matched ids), as requests its callbacks take.
   A server callback with such buttons as inputs is sent a request each time the list is drawn anew (the
   new buttons appear, with no clicks) and answers it with nothing. Through here, a click sets which button
   into a store that the server callback takes instead, and a list drawn anew costs no request
   (dashboards/clicks.py, ask_on_click). Loaded by Dash from assets/; no inline script (CSP). */
(function () {
  "use strict";

  var SUFFIX = ".n_clicks";

  // The ids of the buttons whose click triggered the running clientside callback (a pattern-matched one's
  // parsed from its JSON); buttons that only appeared (drawn anew) have no clicks and are not among them.
  function clicked() {
    return (window.dash_clientside.callback_context.triggered || []).filter(function (t) {
      return t.value && t.prop_id.slice(-SUFFIX.length) === SUFFIX;
    }).map(function (t) {
      var key = t.prop_id.slice(0, -SUFFIX.length);
      try {
        return JSON.parse(key);
      } catch (e) {
        return key;
      }
    });
  }

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_clicks = {
    clicked: clicked,

    // The buttons' clicks are the inputs; the last argument is the id of the request store. The button
    // clicked goes into it as its id without the type ({"action": "rename", "bookmark": 7}), with the time,
    // so that the same button clicked again is a new request.
    ask: function () {
      var requestId = arguments[arguments.length - 1];
      var asked = null;
      clicked().forEach(function (id) {
        if (id && typeof id === "object") {
          asked = id;
        }
      });
      if (asked !== null) {
        var request = {at: Date.now()};
        Object.keys(asked).forEach(function (key) {
          if (key !== "type") {
            request[key] = asked[key];
          }
        });
        window.dash_clientside.set_props(requestId, {data: request});
      }
    }
  };
})();
