package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs the real command on port 0 and returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), io.Discard, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down within 20 s")
		}
	})
	re := regexp.MustCompile(`listening on (http://\S+)`)
	sc := bufio.NewScanner(pr)
	urlc := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr) // keep draining the logs
	}()
	select {
	case u := <-urlc:
		return u
	case err := <-done:
		t.Fatalf("serve exited before listening: %v", err)
	case <-time.After(120 * time.Second):
		t.Fatal("serve did not start within 120 s")
	}
	return ""
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestServeDemoEndToEnd is the first vertical slice through the real binary:
// a new GeoPackage file is seeded with the demo, and the OGC items API serves
// its parcels with exact derived areas.
func TestServeDemoEndToEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.gpkg")
	base := startServe(t, "--gpkg", path, "--demo")

	var page struct {
		Type           string `json:"type"`
		NumberMatched  int    `json:"numberMatched"`
		NumberReturned int    `json:"numberReturned"`
		Features       []struct {
			ID         any            `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
		Links []struct{ Rel, Href string } `json:"links"`
	}
	getJSON(t, base+"/api/collections/parcels/items?limit=5", &page)
	if page.Type != "FeatureCollection" || page.NumberReturned != 5 || page.NumberMatched < 300 {
		t.Fatalf("items: type %q, returned %d, matched %d; want FeatureCollection, 5, ≥300", page.Type, page.NumberReturned, page.NumberMatched)
	}
	for _, f := range page.Features {
		a, _ := f.Properties["area_m2"].(float64)
		mu, _ := f.Properties["area_mu"].(float64)
		if a <= 0 || mu*10000/15 < a*(1-1e-12) || mu*10000/15 > a*(1+1e-12) {
			t.Errorf("feature %v: area_m2 %v and area_mu %v disagree", f.ID, a, mu)
		}
		if _, ok := f.Properties["owner"]; ok {
			t.Errorf("feature %v: anonymous viewer sees the owner", f.ID)
		}
	}
	next := ""
	for _, l := range page.Links {
		if l.Rel == "next" {
			next = l.Href
		}
	}
	if !strings.Contains(next, "/api/collections/parcels/items") {
		t.Fatalf("no next link in %+v", page.Links)
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestTokenCreatePrintsTokenLast checks the contract other tools rely on:
// the token is the last line of the output, and it authorises a write.
func TestTokenCreatePrintsTokenLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.gpkg")
	var out strings.Builder
	if err := run(context.Background(), []string{"token", "create", "--gpkg", path, "--name", "测试", "--role", "editor"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	tok := lines[len(lines)-1]
	if len(tok) < 32 || strings.ContainsAny(tok, " \t") {
		t.Fatalf("last line %q does not look like a token", tok)
	}
	out.Reset()
	if err := run(context.Background(), []string{"token", "list", "--gpkg", path}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "测试") || !strings.Contains(out.String(), "editor") {
		t.Fatalf("token list:\n%s", out.String())
	}

	base := startServe(t, "--gpkg", path)
	body := `{"type":"Feature","properties":{"name":"试验地块","land_use":"0601"},"geometry":{"type":"Polygon","coordinates":[[[121.1,28.85],[121.101,28.85],[121.101,28.851],[121.1,28.851],[121.1,28.85]]]}}`
	for _, c := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong", 401}, {"Bearer " + tok, 201}} {
		req, _ := http.NewRequest("POST", base+"/api/collections/parcels/items", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/geo+json")
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("POST with %q: status %d, want %d", c.auth, resp.StatusCode, c.want)
		}
	}
}

func TestTokenArgumentsCheckedBeforeOpening(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	path := filepath.Join(dir, "t.gpkg")
	var out strings.Builder
	if err := run(context.Background(), []string{"token", "create", "--gpkg", path, "--name", "a", "--role", "viewer"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Flags after the ID are honoured.
	out.Reset()
	if err := run(context.Background(), []string{"token", "revoke", "1", "--gpkg", path}, &out, io.Discard); err != nil {
		t.Fatalf("revoke 1 --gpkg: %v", err)
	}
	if !strings.Contains(out.String(), "token 1 revoked") {
		t.Fatalf("revoke output %q", out.String())
	}
	for _, args := range [][]string{
		{"token", "lst"},
		{"token", "revoke"},
		{"token", "create", "--name", "x"},
		{"token", "list"}, // no store given and no default file
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, defaultGpkg)); err == nil {
		t.Errorf("a failed token command created %s", defaultGpkg)
	}
}
