package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// jaegerURL is Jaeger's query API (scripts/servers starts Jaeger on the test profile).
var jaegerURL = envOr("JAEGER_URL", local(port("JAEGER_UI_PORT", 56686)))

type jaegerSpan struct {
	SpanID        string `json:"spanID"`
	OperationName string `json:"operationName"`
	References    []struct {
		RefType string `json:"refType"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
	Tags []struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	} `json:"tags"`
	ProcessID string `json:"processID"`
}

type jaegerTrace struct {
	TraceID   string       `json:"traceID"`
	Spans     []jaegerSpan `json:"spans"`
	Processes map[string]struct {
		ServiceName string `json:"serviceName"`
	} `json:"processes"`
}

func (s jaegerSpan) tag(key string) string {
	for _, t := range s.Tags {
		if t.Key == key {
			return fmt.Sprint(t.Value)
		}
	}
	return ""
}

func (s jaegerSpan) parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

// getTrace reads one trace from Jaeger's query API (nil while Jaeger has not got it).
func getTrace(t testing.TB, id string) *jaegerTrace {
	t.Helper()
	resp, err := http.Get(jaegerURL + "/api/traces/" + id)
	if err != nil {
		t.Fatalf("Jaeger's query API at %s: %v", jaegerURL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var body struct {
		Data []jaegerTrace `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/traces/%s: %s %v %.300s", id, resp.Status, err, raw)
	}
	if len(body.Data) != 1 {
		return nil
	}
	return &body.Data[0]
}

// spanList is "service: operation" of every span, sorted, for messages and the report.
func spanList(tr *jaegerTrace) []string {
	var out []string
	for _, s := range tr.Spans {
		out = append(out, tr.Processes[s.ProcessID].ServiceName+": "+s.OperationName)
	}
	sort.Strings(out)
	return out
}

// has tells whether the trace holds a span of that service and operation.
func has(tr *jaegerTrace, service, operation string) *jaegerSpan {
	for i, s := range tr.Spans {
		if tr.Processes[s.ProcessID].ServiceName == service && s.OperationName == operation {
			return &tr.Spans[i]
		}
	}
	return nil
}

// tracedHandle sends a /handle payload as a client that traces: with a traceparent of a new
// sampled trace. It returns the trace id and the client's span id.
func tracedHandle(t testing.TB, payload any) (reply, string, string) {
	t.Helper()
	var trace [16]byte
	var span [8]byte
	if _, err := rand.Read(trace[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(span[:]); err != nil {
		t.Fatal(err)
	}
	tid, sid := hex.EncodeToString(trace[:]), hex.EncodeToString(span[:])
	r := send(t, client, http.MethodPost, brokerURL+"/handle", payload,
		map[string]string{"traceparent": "00-" + tid + "-" + sid + "-01"})
	return r, tid, sid
}

// One /handle log over AMQP and one auth, each followed through every hop in Jaeger: one
// trace each, continuing the client's traceparent, with the spans of broker, listener,
// logger, auth and the databases, each span's parent in the same trace.
func TestTracesAcrossTheSystem(t *testing.T) {
	needSystem(t)
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
		t.Skip("OTEL_EXPORTER_OTLP_ENDPOINT is not set: the services export no spans (scripts/servers sets it)")
	}
	needService(t, "listener")
	cases := []struct {
		name    string
		payload any
		status  int
		message string
		want    [][2]string // service, operation
	}{
		{"log over AMQP", logPayload("amqp", runID("e2e-trace"), "traced"), 202, "logged via RabbitMQ",
			[][2]string{
				{"broker", "POST /handle"}, {"broker", "logs_topic publish"},
				{"listener", "listener.logs process"}, {"listener", "POST"},
				{"logger", "POST /log"}, {"logger", "insert logs"},
			}},
		{"auth", authPayload(adminEmail, adminPassword), 202, "Authenticated!",
			[][2]string{
				{"broker", "POST /handle"}, {"broker", "POST"},
				{"auth", "POST /authenticate"}, {"auth", "SELECT users"}, {"auth", "RPCServer/LogInfo"},
				{"logger", "RPCServer/LogInfo"}, {"logger", "insert logs"},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, traceID, clientSpan := tracedHandle(t, c.payload)
			if !expect(t, c.name, r, c.status, c.message) {
				return
			}
			var tr *jaegerTrace
			eventually(t, "the trace "+traceID+" in Jaeger", 30*time.Second, 250*time.Millisecond, func() (bool, string) {
				tr = getTrace(t, traceID)
				if tr == nil {
					return false, "no trace yet"
				}
				for _, w := range c.want {
					if has(tr, w[0], w[1]) == nil {
						return false, fmt.Sprintf("no %s span %q among %v", w[0], w[1], spanList(tr))
					}
				}
				return true, ""
			})
			t.Logf("trace %s: %s", traceID, strings.Join(spanList(tr), ", "))
			ids := map[string]bool{}
			for _, s := range tr.Spans {
				ids[s.SpanID] = true
			}
			for _, s := range tr.Spans {
				p := s.parent()
				if p != clientSpan && !ids[p] {
					t.Errorf("span %q (%s) has parent %q, in neither the trace nor the client", s.OperationName,
						tr.Processes[s.ProcessID].ServiceName, p)
				}
			}
			root := has(tr, "broker", "POST /handle")
			if root.parent() != clientSpan {
				t.Errorf("the broker's span continues %q, want the client's span %q", root.parent(), clientSpan)
			}
			if got := root.tag("http.response.status_code"); got != "202" {
				t.Errorf("broker span: http.response.status_code %q, want 202", got)
			}
			if db := has(tr, "logger", "insert logs"); db.tag("db.system.name") != "mongodb" {
				t.Errorf("logger insert span: db.system.name %q, want mongodb", db.tag("db.system.name"))
			}
			if db := has(tr, "auth", "SELECT users"); db != nil && db.tag("db.system.name") != "postgresql" {
				t.Errorf("auth query span: db.system.name %q, want postgresql", db.tag("db.system.name"))
			}
		})
	}
}
