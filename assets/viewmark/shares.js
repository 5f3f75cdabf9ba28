/* Viewmark sharing, the browser's part: copy the share link, and show that a shared page's link has gone.
   Loaded by Dash from assets/; no inline script (CSP). */
(function () {
  "use strict";

  var COPIED = "Copied";

  var clientside = window.dash_clientside = window.dash_clientside || {};
  clientside.viewmark_shares = {
    // Selects the link and copies it: execCommand("copy") works on a click without a permission prompt;
    // the asynchronous clipboard API is asked too where there is one, without waiting for it.
    copy: function (clicks, inputId, copiedId) {
      var none = window.dash_clientside.no_update;
      var input = document.getElementById(inputId);
      if (!clicks || !input || !input.value) {
        return none;
      }
      var text = input.value;
      var button = document.activeElement;
      input.focus();
      input.select();
      input.setSelectionRange(0, text.length);
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (e) {
        copied = false;
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () {
          if (!copied && window.dash_clientside.set_props) {
            window.dash_clientside.set_props(copiedId, {children: COPIED});
          }
        }, function () { /* refused (no permission): execCommand has done it, or the text is selected */ });
      }
      if (!copied) {
        // The link stays selected for Ctrl+C / ⌘C.
        return "Press Ctrl+C (⌘C on a Mac) to copy the selected link.";
      }
      if (button && button !== input && typeof button.focus === "function") {
        button.focus();
      }
      return COPIED;
    },

    // Share clicked: the view on screen, as the request the server makes the link of. The view is an input
    // of this callback, so it runs once a change of view under way has answered; a change of view alone
    // (without a click among the triggers) asks for nothing. The request is set, not answered as an output:
    // an output would chain the view to the share dialog, and dash-renderer would hold everything that
    // dialog's callback touches (toasts, the bookmark pane) until each view had answered.
    request: function (clicks, state, shareId, requestId) {
      var triggered = window.dash_clientside.callback_context.triggered || [];
      var clicked = triggered.some(function (t) { return t.prop_id === shareId + ".n_clicks"; });
      if (clicks && clicked) {
        window.dash_clientside.set_props(requestId, {data: {state: state, at: Date.now()}});
      }
    },

    // On a page opened from a link whose loss is not known yet: ask the server again (a new value each time).
    check: function (state, token, status) {
      if (!token || status) {
        return window.dash_clientside.no_update;
      }
      return String(Date.now()) + String(Math.random());
    },

    // The shared page's link stopped opening (revoked, expired, access withdrawn): say so, and saving it
    // as a bookmark is no longer offered.
    gone: function (message) {
      return [message || "", Boolean(message)];
    }
  };
})();
