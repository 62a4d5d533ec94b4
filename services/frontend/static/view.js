// How the test page shows things. Everything is built from elements and text nodes, so what a
// response contains is always shown as text and never parsed as HTML.
"use strict";

const PageView = (function () {
  // In JSON.stringify's output: a string (a key when a colon follows), a literal or a number.
  const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

  function span(className, text) {
    const el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function tokenClass(token) {
    return token === "true" || token === "false" || token === "null" ? "json-literal" : "json-number";
  }

  // The nodes of pretty-printed JSON text, with its tokens in coloured spans.
  function highlighted(text) {
    const nodes = [];
    let last = 0;
    for (const m of text.matchAll(TOKEN)) {
      if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
      if (m[1] === undefined) {
        nodes.push(span(tokenClass(m[0]), m[0]));
      } else {
        nodes.push(span(m[2] ? "json-key" : "json-string", m[1]));
        if (m[2]) nodes.push(document.createTextNode(m[2]));
      }
      last = m.index + m[0].length;
    }
    if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  function setState(el, state) {
    el.classList.remove("ok", "error", "pending");
    if (state) el.classList.add(state);
  }

  // A value in a <pre>: JSON pretty-printed and coloured, a string as it is.
  function show(pre, value, state) {
    if (typeof value === "string") pre.replaceChildren(document.createTextNode(value));
    else pre.replaceChildren(...highlighted(JSON.stringify(value, null, 2)));
    setState(pre, state);
  }

  function badge(el, text, state) {
    el.textContent = text;
    setState(el, state);
  }

  function clock() {
    const d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  }

  // One line of the output log: time, label, message and, when known, how long the call took.
  function logLine(list, entry) {
    const li = document.createElement("li");
    setState(li, entry.state);
    li.append(span("clock", clock()), span("label", entry.label), document.createTextNode(entry.message));
    if (entry.ms !== undefined) li.append(span("ms", entry.ms + " ms"));
    list.append(li);
    list.scrollTop = list.scrollHeight;
  }

  return Object.freeze({ show, badge, logLine });
})();
