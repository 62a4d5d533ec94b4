// Helpers of the browser tests: where the page is, a headless Chromium that records what the
// console reports, reading the page's panes, and screenshots under test-output/browser/.
package browser

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The frontend of the test profile (scripts/lib/profile.sh) unless FRONTEND_URL says otherwise.
const defaultFrontendURL = "http://127.0.0.1:58081/"

func frontendURL() string {
	if u := os.Getenv("FRONTEND_URL"); u != "" {
		return strings.TrimSuffix(u, "/") + "/"
	}
	return defaultFrontendURL
}

// requireReachable skips the test when nothing answers at the page's address: the services
// are not running. A page that answers badly is a failure, not a skip.
func requireReachable(t *testing.T, url string) {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Skipf("frontend not reachable at %s (start the services, or set FRONTEND_URL): %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", url, resp.StatusCode)
	}
}

// outputDir is test-output/browser/ at the repository root (REPO_ROOT, else two levels up).
func outputDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("REPO_ROOT")
	if root == "" {
		root = filepath.Join("..", "..")
	}
	dir := filepath.Join(root, "test-output", "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating %s: %v", dir, err)
	}
	return dir
}

// chromiumPath is CHROMIUM (a path or a name), else Debian's chromium on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	names := []string{"chromium", "chromium-browser", "google-chrome"}
	if c := os.Getenv("CHROMIUM"); c != "" {
		names = []string{c}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("no browser found (tried %v): scripts/setup installs Debian's chromium", names)
	return ""
}

// cspRecorder runs in the page before its own scripts and keeps every CSP violation it sees.
const cspRecorder = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// session is one headless Chromium tab showing the page.
type session struct {
	t   *testing.T
	ctx context.Context
	url string
	dir string

	mu       sync.Mutex
	problems []string // console errors and warnings, exceptions, browser log entries
}

// openPage starts Chromium, loads the page and waits until its script has filled the form.
// The browser is stopped when the test ends.
func openPage(t *testing.T) *session {
	t.Helper()
	url := frontendURL()
	requireReachable(t, url)
	s := &session{t: t, url: url, dir: outputDir(t)}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(s.listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc() // kills the browser and waits for it
	})
	s.ctx = ctx

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath(t), err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder}); err != nil {
		t.Fatalf("installing the CSP recorder: %v", err)
	}
	s.do("load the page",
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.ID("brokerBtn")),
		chromedp.Poll[chromedp.Void](`document.getElementById("authEmail").value !== ""`,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	return s
}

// listen runs in the tab's event loop: it only records.
func (s *session) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = fmt.Sprintf("exception: %s %s:%d", d.Text, d.URL, d.LineNumber+1)
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			problem = fmt.Sprintf("console.%s called", ev.Type)
			for _, a := range ev.Args {
				problem += fmt.Sprintf(" %s%s", a.Value, a.Description)
			}
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError && e.Level != log.EntryLevelWarning {
			return
		}
		// The browser logs every non-2xx fetch; the API's error answers are part of the test.
		if e.Source == log.EntrySourceNetwork && strings.Contains(e.URL, "/api/") {
			return
		}
		problem = fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
	}
	if problem != "" {
		s.mu.Lock()
		s.problems = append(s.problems, problem)
		s.mu.Unlock()
	}
}

func (s *session) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// checkConsole fails the test for anything the console or the CSP recorder reported.
func (s *session) checkConsole() {
	s.t.Helper()
	violations, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](`window.__cspViolations || []`))
	if err != nil {
		s.t.Fatalf("reading CSP violations: %v", err)
	}
	for _, v := range violations {
		s.t.Errorf("CSP violation: %s", v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.problems {
		s.t.Errorf("browser reported: %s", p)
	}
}

// screenshot saves the whole page as <name>.png and returns its path.
func (s *session) screenshot(name string) string {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(s.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		s.t.Fatalf("writing %s: %v", path, err)
	}
	return path
}

// panes is what the page shows after a call.
type panes struct {
	Sent           string `json:"sent"`     // the Sent pane's text
	Received       string `json:"received"` // the Received pane's text
	ReceivedClass  string `json:"receivedClass"`
	Status         string `json:"status"` // the Received badge: "202 Accepted · 12 ms"
	StatusClass    string `json:"statusClass"`
	LastOutput     string `json:"lastOutput"`     // the last line of the output log
	LastOutputOK   bool   `json:"lastOutputOK"`   // that line is marked ok
	ElementsInText int    `json:"elementsInText"` // elements in the panes other than the highlighter's spans
}

const readPanes = `(() => {
  const byId = (id) => document.getElementById(id);
  const last = byId("output").lastElementChild;
  const foreign = document.querySelectorAll("#payload :not(span), #received :not(span), #output li :not(span)");
  return {
    sent: byId("payload").textContent,
    received: byId("received").textContent,
    receivedClass: byId("received").className,
    status: byId("receivedStatus").textContent,
    statusClass: byId("receivedStatus").className,
    lastOutput: last ? last.textContent : "",
    lastOutputOK: !!last && last.classList.contains("ok"),
    elementsInText: foreign.length,
  };
})()`

// click presses a button and waits until its answer is on the page (a new output line).
func (s *session) click(button string) panes {
	s.t.Helper()
	before, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#output li").length`))
	if err != nil {
		s.t.Fatalf("counting output lines: %v", err)
	}
	done := fmt.Sprintf(`document.querySelectorAll("#output li").length > %d && !document.getElementById(%q).disabled`,
		before, button)
	s.do("click #"+button,
		chromedp.Click(chromedp.ID(button)),
		chromedp.Poll[chromedp.Void](done, chromedp.WithPollingTimeout(20*time.Second)),
	)
	p, err := chromedp.Run(s.ctx, chromedp.Evaluate[panes](readPanes))
	if err != nil {
		s.t.Fatalf("reading the panes: %v", err)
	}
	return p
}

// statusCode is the HTTP status at the start of the Received badge, 0 if none.
func (p panes) statusCode() int {
	var code int
	fmt.Sscanf(p.Status, "%d", &code)
	return code
}
