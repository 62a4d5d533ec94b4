// The test page: each button sends the Go system's payload to the broker and shows the exchange.
// Everything a response contains is shown with textContent, never parsed as HTML.
"use strict";

(function () {
  const brokerURL = (document.querySelector('meta[name="broker-url"]').content || "/api").replace(/\/+$/, "");

  const defaults = {
    auth: { action: "auth", auth: { email: "admin@example.com", password: "verysecret" } },
    log: { action: "log", log: { name: "event", data: "Some kind of data" } },
    mail: { action: "mail", mail: { from: "me@example.com", to: "you@there.com", subject: "Test email", message: "Hello world!" } },
    grpc: { action: "log", log: { name: "event", data: "Some kind of gRPC data" } },
  };
  const editors = {
    auth: document.getElementById("authPayload"),
    log: document.getElementById("logPayload"),
    mail: document.getElementById("mailPayload"),
    grpc: document.getElementById("grpcPayload"),
  };
  const sent = document.getElementById("payload");
  const received = document.getElementById("received");
  const output = document.getElementById("output");
  const transport = document.getElementById("logTransport");

  document.getElementById("broker-url").textContent = brokerURL || "/";

  function resetPayloads() {
    for (const [key, el] of Object.entries(editors)) {
      el.value = JSON.stringify(defaults[key], null, 2);
      el.classList.remove("invalid");
    }
  }

  function readPayload(key) {
    const el = editors[key];
    try {
      const value = JSON.parse(el.value);
      el.classList.remove("invalid");
      return value;
    } catch (e) {
      el.classList.add("invalid");
      throw new Error(key + " payload is not valid JSON: " + e.message);
    }
  }

  function show(el, value, state) {
    el.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    el.classList.remove("ok", "error");
    if (state) el.classList.add(state);
  }

  function log(label, message, state, ms) {
    const li = document.createElement("li");
    if (state) li.classList.add(state);
    const strong = document.createElement("strong");
    strong.textContent = label + ": ";
    li.appendChild(strong);
    li.appendChild(document.createTextNode(message));
    if (ms !== undefined) {
      const t = document.createElement("span");
      t.className = "time";
      t.textContent = " (" + ms + " ms)";
      li.appendChild(t);
    }
    output.appendChild(li);
    output.scrollTop = output.scrollHeight;
  }

  async function call(button, path, payload) {
    const init = { method: "POST", headers: {} };
    if (payload !== undefined) {
      init.body = JSON.stringify(payload);
      init.headers["Content-Type"] = "application/json";
      show(sent, payload);
    } else {
      show(sent, "empty post request");
    }
    button.disabled = true;
    const started = performance.now();
    try {
      const response = await fetch(brokerURL + path, init);
      const ms = Math.round(performance.now() - started);
      const text = await response.text();
      let data;
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = { error: true, message: "HTTP " + response.status + ": " + text.slice(0, 200) };
      }
      const failed = !response.ok || data.error;
      show(received, data, failed ? "error" : "ok");
      if (failed) log("Error", "HTTP " + response.status + " " + (data.message || ""), "error", ms);
      else log("Response from broker service", data.message || "", "ok", ms);
    } catch (e) {
      const ms = Math.round(performance.now() - started);
      show(received, { error: true, message: String(e.message || e) }, "error");
      log("Error", String(e.message || e), "error", ms);
    } finally {
      button.disabled = false;
    }
  }

  function onClick(id, handler) {
    const button = document.getElementById(id);
    button.addEventListener("click", () => {
      try {
        handler(button);
      } catch (e) {
        show(received, { error: true, message: e.message }, "error");
        log("Error", e.message, "error");
      }
    });
  }

  onClick("brokerBtn", (b) => call(b, "/", undefined));
  onClick("authBrokerBtn", (b) => call(b, "/handle", readPayload("auth")));
  onClick("logBtn", (b) => {
    const payload = readPayload("log");
    if (transport.value !== "rpc") payload.transport = transport.value;
    call(b, "/handle", payload);
  });
  onClick("mailBtn", (b) => call(b, "/handle", readPayload("mail")));
  onClick("logGBtn", (b) => call(b, "/log-grpc", readPayload("grpc")));
  document.getElementById("resetPayloads").addEventListener("click", resetPayloads);
  document.getElementById("clearOutput").addEventListener("click", () => output.replaceChildren());

  resetPayloads();
})();
