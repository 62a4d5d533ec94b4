// The test page: each button sends the Go system's payload to the broker (BROKER_URL, "/api"
// by default) and shows what was sent, what came back and how long it took.
"use strict";

(function () {
  const byId = (id) => document.getElementById(id);
  const brokerURL = document.querySelector('meta[name="broker-url"]').content.replace(/\/+$/, "");
  const output = byId("output");

  // The Go page's payloads; the form edits them and "Reset payloads" puts these back.
  const defaults = {
    auth: { email: "admin@example.com", password: "verysecret" },
    log: { name: "event", data: "Some kind of data" },
    mail: { from: "me@example.com", to: "you@there.com", subject: "Test email", message: "Hello world!" },
    grpc: { name: "event", data: "Some kind of gRPC data" },
  };
  const fields = document.querySelectorAll("[data-payload]");

  function resetPayloads() {
    for (const el of fields) el.value = defaults[el.dataset.payload][el.dataset.field];
  }

  // The form's current values for one payload, in the order the Go page sent them.
  function payload(key) {
    const out = {};
    for (const name of Object.keys(defaults[key])) {
      out[name] = document.querySelector(`[data-payload="${key}"][data-field="${name}"]`).value;
    }
    return out;
  }

  const requests = {
    brokerBtn: () => ({ label: "Test Broker", path: "/" }),
    authBrokerBtn: () => ({ label: "Test Auth", path: "/handle", body: { action: "auth", auth: payload("auth") } }),
    logBtn: () => {
      const transport = byId("logTransport").value;
      const body = { action: "log", log: payload("log") };
      // rpc is the broker's default: its payload stays exactly the Go page's.
      if (transport !== "rpc") body.transport = transport;
      return { label: "Test Log (" + transport + ")", path: "/handle", body };
    },
    mailBtn: () => ({ label: "Test Mail", path: "/handle", body: { action: "mail", mail: payload("mail") } }),
    logGBtn: () => ({ label: "Test gRPC log", path: "/log-grpc", body: { action: "log", log: payload("grpc") } }),
  };

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return text;
    }
  }

  function statusLine(response) {
    return response.status + (response.statusText ? " " + response.statusText : "");
  }

  function messageOf(data) {
    if (typeof data === "string") return data.slice(0, 200);
    return data && typeof data.message === "string" ? data.message : "";
  }

  async function send(button, request) {
    const url = brokerURL + request.path;
    const init = { method: "POST", headers: { Accept: "application/json" } };
    if (request.body) {
      init.body = JSON.stringify(request.body);
      init.headers["Content-Type"] = "application/json";
    }
    PageView.show(byId("payload"), request.body || "empty post request");
    PageView.badge(byId("sentTarget"), "POST " + url);
    PageView.badge(byId("receivedStatus"), "waiting...", "pending");
    PageView.show(byId("received"), "", "pending");
    button.disabled = true;
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const data = parse(await response.text());
      const ms = Math.round(performance.now() - started);
      const failed = !response.ok || typeof data !== "object" || data === null || data.error === true;
      const state = failed ? "error" : "ok";
      PageView.show(byId("received"), data, state);
      PageView.badge(byId("receivedStatus"), statusLine(response) + " \u00b7 " + ms + " ms", state);
      PageView.logLine(output, { label: request.label, message: statusLine(response) + ": " + messageOf(data), state, ms });
    } catch (e) {
      const ms = Math.round(performance.now() - started);
      const message = "no response from " + url + " (" + (e.message || e) + ")";
      PageView.show(byId("received"), { error: true, message }, "error");
      PageView.badge(byId("receivedStatus"), "network error \u00b7 " + ms + " ms", "error");
      PageView.logLine(output, { label: request.label, message, state: "error", ms });
    } finally {
      button.disabled = false;
    }
  }

  for (const [id, build] of Object.entries(requests)) {
    const button = byId(id);
    button.addEventListener("click", () => send(button, build()));
  }
  byId("resetPayloads").addEventListener("click", resetPayloads);
  byId("clearOutput").addEventListener("click", () => output.replaceChildren());
  byId("broker-url").textContent = brokerURL || "/";
  resetPayloads();
})();
