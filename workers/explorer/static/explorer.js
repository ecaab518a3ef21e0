// The round explorer page's live part: follows /api/events (server-sent events), morphs the server-rendered view
// into the new one so that only what changed is touched (screen readers announce just that, open <details> and
// focus stay), and ticks every deadline countdown once a second against the chain's clock. Plain ES2017, no build.
(function () {
  "use strict";
  var view = document.getElementById("view");
  var liveStatus = document.getElementById("live-status");
  var skewMs = 0;

  function readSkew() {
    var snapshot = view.querySelector(".snapshot");
    skewMs = snapshot ? Number(snapshot.getAttribute("data-clock-skew-ms")) || 0 : 0;
  }

  /** The browser's copy of formatDuration (workers/status/formatTime.ts): the two largest units, "1m 30s". */
  function duration(totalSeconds) {
    var rest = Math.max(0, Math.round(totalSeconds));
    var units = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
    var parts = [];
    for (var i = 0; i < units.length && parts.length < 2; i++) {
      var count = Math.floor(rest / units[i][1]);
      rest -= count * units[i][1];
      if (count > 0 || (units[i][0] === "s" && parts.length === 0)) parts.push(count + units[i][0]);
    }
    return parts.join(" ");
  }

  function tick() {
    var now = (Date.now() + skewMs) / 1000;
    var timers = view.querySelectorAll("[data-deadline]");
    for (var i = 0; i < timers.length; i++) {
      var left = Math.round(Number(timers[i].getAttribute("data-deadline")) - now);
      var text = left > 0 ? duration(left) + " left" : "deadline passed " + duration(-left) + " ago";
      if (timers[i].textContent !== text) timers[i].textContent = text;
    }
  }

  function sameNode(a, b) {
    return a.nodeType === b.nodeType && a.nodeName === b.nodeName && (a.nodeType !== 1 || a.id === b.id);
  }

  /** Makes `from` look like `to`, touching only what differs; a <details>' open state is the reader's, not ours. */
  function morph(from, to) {
    if (from.nodeType === 3 || from.nodeType === 8) {
      if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
      return;
    }
    var i;
    for (i = from.attributes.length - 1; i >= 0; i--) {
      var name = from.attributes[i].name;
      if (!to.hasAttribute(name) && !(name === "open" && from.nodeName === "DETAILS")) from.removeAttribute(name);
    }
    for (i = 0; i < to.attributes.length; i++) {
      var attribute = to.attributes[i];
      if (from.getAttribute(attribute.name) !== attribute.value) from.setAttribute(attribute.name, attribute.value);
    }
    var oldChildren = Array.prototype.slice.call(from.childNodes);
    var newChildren = Array.prototype.slice.call(to.childNodes);
    for (i = 0; i < newChildren.length; i++) {
      var old = oldChildren[i];
      if (old && sameNode(old, newChildren[i])) {
        morph(old, newChildren[i]);
      } else if (old) {
        from.replaceChild(newChildren[i], old);
      } else {
        from.appendChild(newChildren[i]);
      }
    }
    for (i = newChildren.length; i < oldChildren.length; i++) from.removeChild(oldChildren[i]);
  }

  function show(markup) {
    var next = document.createElement("main");
    next.innerHTML = markup;
    var current = view.querySelector(".snapshot");
    var incoming = next.querySelector(".snapshot");
    view.setAttribute("aria-busy", "true");
    if (current && incoming) morph(current, incoming);
    else view.innerHTML = markup;
    view.setAttribute("aria-busy", "false");
    readSkew();
    tick();
  }

  function say(text) {
    if (liveStatus.textContent !== text) liveStatus.textContent = text;
  }

  readSkew();
  tick();
  setInterval(tick, 1000);

  if (!window.EventSource) {
    say("This browser cannot follow live updates: reload to refresh.");
    return;
  }
  var events = new EventSource("/api/events");
  events.addEventListener("view", function (message) {
    var data = JSON.parse(message.data);
    show(data.html);
    say("Live · block " + data.blockNumber);
  });
  events.addEventListener("problem", function (message) {
    say("Cannot read the chain: " + JSON.parse(message.data).message + " (retrying)");
  });
  events.onerror = function () {
    say("Disconnected from the explorer server; reconnecting…");
  };
})();
