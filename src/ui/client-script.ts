/**
 * The page's only script, served same-origin as `/app.js` so the CSP forbids every inline
 * script. It keeps the queue live (polls `pending.json`, swaps only rows that changed, never
 * a row the operator is typing in) and ticks the "waiting" and "expires" times. Rows arrive
 * as HTML rendered and escaped by the server.
 */
export const clientScript = String.raw`"use strict";
(function () {
  var pollMs = 2000;

  function duration(ms) {
    var abs = Math.abs(ms);
    if (abs < 1000) return Math.round(abs) + " ms";
    var s = Math.floor(abs / 1000);
    if (s < 60) return s + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m " + (s % 60) + "s";
    var h = Math.floor(m / 60);
    if (h < 24) return h + "h " + (m % 60) + "m";
    return Math.floor(h / 24) + "d " + (h % 24) + "h";
  }

  function tickTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-since]").forEach(function (el) {
      el.textContent = duration(now - Date.parse(el.getAttribute("datetime")));
    });
    document.querySelectorAll("time[data-until]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - now;
      el.textContent = left > 0 ? "in " + duration(left) : "now";
    });
  }

  function rowFrom(markup) {
    var template = document.createElement("template");
    template.innerHTML = markup.trim();
    return template.content.firstElementChild;
  }

  function isBusy(row) {
    var active = document.activeElement;
    return active !== null && active !== document.body && row.contains(active);
  }

  function apply(table, items) {
    var body = table.tBodies[0];
    var existing = new Map();
    Array.prototype.forEach.call(body.rows, function (row) { existing.set(row.dataset.id, row); });
    var wanted = new Set(items.map(function (item) { return item.id; }));
    existing.forEach(function (row, id) { if (!wanted.has(id)) row.remove(); });
    var previous = null;
    items.forEach(function (item) {
      var row = existing.get(item.id);
      if (!row || (row.dataset.version !== item.version && !isBusy(row))) {
        var fresh = rowFrom(item.html);
        if (row) row.replaceWith(fresh);
        row = fresh;
      }
      var expectedNext = previous ? previous.nextElementSibling : body.firstElementChild;
      if (expectedNext !== row) body.insertBefore(row, expectedNext);
      previous = row;
    });
    table.hidden = items.length === 0;
    var empty = document.querySelector("[data-queue-empty]");
    if (empty) empty.hidden = items.length !== 0;
    var count = document.querySelector("[data-queue-count]");
    if (count) count.textContent = String(items.length);
    tickTimes();
  }

  function startQueue(table) {
    var status = document.querySelector("[data-live-status]");
    function say(text, failed) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("stale", failed);
    }
    function poll() {
      fetch(table.dataset.source, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) {
            window.location.assign(table.dataset.login);
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (!data) return;
          apply(table, data.items);
          say("Live: updated " + new Date().toLocaleTimeString() + ".", false);
        })
        .catch(function () { say("Connection lost; retrying…", true); })
        .finally(function () { setTimeout(poll, pollMs); });
    }
    setTimeout(poll, pollMs);
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickTimes();
    setInterval(tickTimes, 1000);
    var table = document.querySelector("table[data-live-queue]");
    if (table) startQueue(table);
  });
})();
`;
