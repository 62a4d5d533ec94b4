package browser

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var client = http.Client{Timeout: 10 * time.Second}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, string(body)
}

// TestPageHeaders checks over the wire what the page relies on: its security headers, its
// caching (ETag and 304 for the page, immutable fingerprinted assets) and the /api proxy.
func TestPageHeaders(t *testing.T) {
	base := frontendURL()
	requireReachable(t, base)

	resp, html := get(t, base)
	h := resp.Header
	expect := map[string]string{
		"Content-Type":               "text/html; charset=utf-8",
		"Cache-Control":              "no-cache",
		"X-Content-Type-Options":     "nosniff",
		"X-Frame-Options":            "DENY",
		"Referrer-Policy":            "no-referrer",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for name, want := range expect {
		if got := h.Get(name); got != want {
			t.Errorf("page %s: %q, want %q", name, got, want)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	if h.Get("Permissions-Policy") == "" {
		t.Errorf("no Permissions-Policy")
	}

	etag := h.Get("ETag")
	if etag == "" {
		t.Fatalf("the page has no ETag")
	}
	if again, _ := get(t, base, "If-None-Match", etag); again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating the page: status %d, want 304", again.StatusCode)
	}

	assets := regexp.MustCompile(`"(/static/[^"]+\.[0-9a-f]{16}\.(js|css|svg))"`).FindAllStringSubmatch(html, -1)
	if len(assets) < 3 {
		t.Fatalf("the page names %d fingerprinted assets, want its scripts, style sheet and icon", len(assets))
	}
	types := map[string]string{"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"}
	for _, a := range assets {
		r, _ := get(t, strings.TrimSuffix(base, "/")+a[1])
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != types[a[2]] ||
			!strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, Content-Type %q, Cache-Control %q", a[1], r.StatusCode,
				r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
	}

	api, err := client.Post(strings.TrimSuffix(base, "/")+"/api", "application/json", nil)
	if err != nil {
		t.Fatalf("POST /api: %v", err)
	}
	body, _ := io.ReadAll(api.Body)
	api.Body.Close()
	if api.StatusCode != 200 || !strings.Contains(string(body), "Hit the broker") ||
		api.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("POST /api through the proxy: %d %s (nosniff %q)", api.StatusCode, body,
			api.Header.Get("X-Content-Type-Options"))
	}
}
