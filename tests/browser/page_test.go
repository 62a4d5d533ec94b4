package browser

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// envelope is the broker's answer as the Received pane shows it.
type envelope struct {
	Error   bool           `json:"error"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

// A button press: what the Sent pane must show, and what the Received pane must show (status 0:
// whatever the broker answers, shown in the colour its status calls for).
type press struct {
	name      string
	button    string
	transport string // the log transport selector, for the Test Log button
	sent      string // the payload as JSON, or the Go page's "empty post request"
	status    int
	message   string
}

var presses = []press{
	{"test-broker", "brokerBtn", "", `empty post request`, 200, "Hit the broker"},
	{"test-auth", "authBrokerBtn", "",
		`{"action":"auth","auth":{"email":"admin@example.com","password":"verysecret"}}`, 202, "Authenticated!"},
	{"test-log-rpc", "logBtn", "rpc",
		`{"action":"log","log":{"name":"event","data":"Some kind of data"}}`, 202, "Processed payload via RPC:event"},
	{"test-log-http", "logBtn", "http",
		`{"action":"log","log":{"name":"event","data":"Some kind of data"},"transport":"http"}`, 202, "logged"},
	{"test-log-amqp", "logBtn", "amqp",
		`{"action":"log","log":{"name":"event","data":"Some kind of data"},"transport":"amqp"}`, 202, "logged via RabbitMQ"},
	{"test-log-grpc", "logBtn", "grpc",
		`{"action":"log","log":{"name":"event","data":"Some kind of data"},"transport":"grpc"}`, 202, "logged"},
	{"test-mail", "mailBtn", "",
		`{"action":"mail","mail":{"from":"me@example.com","to":"you@there.com","subject":"Test email","message":"Hello world!"}}`,
		202, "Message sent to you@there.com"},
	{"test-grpc-log", "logGBtn", "",
		`{"action":"log","log":{"name":"event","data":"Some kind of gRPC data"}}`, 202, "logged"},
}

// TestEveryButton clicks each button against the running system and checks both panes, the
// status badge with the call's time, the output log, and that the console stays clean.
func TestEveryButton(t *testing.T) {
	s := openPage(t)
	for i, p := range presses {
		if p.transport != "" {
			s.do("choose transport "+p.transport, chromedp.SetValue(chromedp.ID("logTransport"), p.transport))
		}
		got := s.pressWithRetry(p.button)
		checkSent(t, p, got.Sent)
		checkReceived(t, p, got)
		s.screenshot(stepName(i, p.name))
	}
	t.Logf("page after every button: %s", s.screenshot("all-buttons"))
	s.checkConsole()
}

func stepName(i int, name string) string { return fmt.Sprintf("%02d-%s", i+1, name) }

// pressWithRetry presses a button again, at most twice, while the broker answers 503 or 504:
// other suites restart services of the same system now and then.
func (s *session) pressWithRetry(button string) panes {
	s.t.Helper()
	for attempt := 1; ; attempt++ {
		got := s.click(button)
		code := got.statusCode()
		if (code != 503 && code != 504) || attempt == 3 {
			return got
		}
		s.t.Logf("#%s answered %q; pressing again", button, got.Status)
		time.Sleep(time.Second)
	}
}

func checkSent(t *testing.T, p press, sent string) {
	t.Helper()
	if !strings.HasPrefix(p.sent, "{") {
		if sent != p.sent {
			t.Errorf("%s: Sent pane %q, want %q", p.name, sent, p.sent)
		}
		return
	}
	var got, want any
	if err := json.Unmarshal([]byte(sent), &got); err != nil {
		t.Errorf("%s: Sent pane is not JSON: %v\n%s", p.name, err, sent)
		return
	}
	if err := json.Unmarshal([]byte(p.sent), &want); err != nil {
		t.Fatalf("%s: bad expectation: %v", p.name, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: Sent pane\n%s\nwant %s", p.name, sent, p.sent)
	}
	if !strings.Contains(sent, "\n  ") {
		t.Errorf("%s: Sent pane is not pretty-printed:\n%s", p.name, sent)
	}
}

func checkReceived(t *testing.T, p press, got panes) {
	t.Helper()
	var answer envelope
	if err := json.Unmarshal([]byte(got.Received), &answer); err != nil {
		t.Errorf("%s: Received pane is not the broker's JSON: %v\n%s", p.name, err, got.Received)
		return
	}
	code := got.statusCode()
	t.Logf("%s: %s -> %s", p.name, got.Status, answer.Message)
	if p.status != 0 && (code != p.status || answer.Message != p.message || answer.Error) {
		t.Errorf("%s: Received %s %q (error %v), want %d %q", p.name, got.Status, answer.Message, answer.Error,
			p.status, p.message)
	}
	if answer.Message == "" {
		t.Errorf("%s: the answer has no message: %s", p.name, got.Received)
	}
	failed := code < 200 || code > 299 || answer.Error
	want := "ok"
	if failed {
		want = "error"
	}
	if !hasClass(got.ReceivedClass, want) || !hasClass(got.StatusClass, want) || got.LastOutputOK == failed {
		t.Errorf("%s: %s answer shown as pane %q, badge %q, output ok %v; want %q", p.name, got.Status,
			got.ReceivedClass, got.StatusClass, got.LastOutputOK, want)
	}
	if !strings.HasSuffix(got.Status, " ms") || !strings.HasSuffix(got.LastOutput, " ms") {
		t.Errorf("%s: the call's time is missing: badge %q, output %q", p.name, got.Status, got.LastOutput)
	}
	if !strings.Contains(got.LastOutput, answer.Message) {
		t.Errorf("%s: output line %q does not show %q", p.name, got.LastOutput, answer.Message)
	}
	if got.ElementsInText != 0 {
		t.Errorf("%s: the panes hold %d elements besides the highlighter's spans", p.name, got.ElementsInText)
	}
	if p.name == "test-auth" && answer.Data["email"] != "admin@example.com" {
		t.Errorf("test-auth: data %v, want the user admin@example.com", answer.Data)
	}
}

func hasClass(classes, want string) bool {
	for _, c := range strings.Fields(classes) {
		if c == want {
			return true
		}
	}
	return false
}
