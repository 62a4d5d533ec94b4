package browser

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The markup a page that wrote responses as HTML would turn into a running handler.
const xssPayload = `<img src=x onerror="window.__xss=1">`

// typeOver replaces a field's text the way a person does: select all, then type.
func typeOver(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.ID(id)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.SendKeys(chromedp.ID(id), text),
	)
}

// TestLogPayloadIsShownAsText types markup into the log form, sends it (the broker echoes the
// name back) and checks that both panes show it as text: no element is created and the
// handler never runs.
func TestLogPayloadIsShownAsText(t *testing.T) {
	s := openPage(t)
	s.do("type the payload into the log form",
		chromedp.Click(chromedp.CSS("#editors summary")),
		chromedp.WaitVisible(chromedp.ID("logName")),
		typeOver("logName", xssPayload),
		typeOver("logData", xssPayload),
	)
	got := s.pressWithRetry("logBtn")
	time.Sleep(500 * time.Millisecond) // time for an image error handler to fire, if one existed
	s.screenshot("xss-log-payload")

	var sent struct {
		Log struct{ Name, Data string } `json:"log"`
	}
	if err := json.Unmarshal([]byte(got.Sent), &sent); err != nil {
		t.Fatalf("Sent pane is not JSON: %v\n%s", err, got.Sent)
	}
	if sent.Log.Name != xssPayload || sent.Log.Data != xssPayload {
		t.Errorf("Sent pane shows name %q, data %q; want the literal %q", sent.Log.Name, sent.Log.Data, xssPayload)
	}
	var answer envelope
	if err := json.Unmarshal([]byte(got.Received), &answer); err != nil {
		t.Fatalf("Received pane is not JSON: %v\n%s", err, got.Received)
	}
	if want := "Processed payload via RPC:" + xssPayload; answer.Message != want {
		t.Errorf("Received message %q, want %q", answer.Message, want)
	}
	for pane, text := range map[string]string{"Sent": got.Sent, "Received": got.Received, "output": got.LastOutput} {
		if !strings.Contains(text, "<img src=x onerror=") {
			t.Errorf("%s pane does not show the markup as text: %q", pane, text)
		}
	}
	if got.ElementsInText != 0 {
		t.Errorf("the panes hold %d elements besides the highlighter's spans", got.ElementsInText)
	}
	images, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`document.getElementsByTagName("img").length`))
	if err != nil || images != 0 {
		t.Errorf("the page has %d <img> elements (err %v), want none", images, err)
	}
	ran, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`typeof window.__xss`))
	if err != nil || ran != "undefined" {
		t.Errorf("window.__xss is %s (err %v): the payload ran", ran, err)
	}
	s.checkConsole()
}
