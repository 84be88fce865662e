package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsAndPercentiles(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Authorization") != "Bearer x" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/slow" {
			time.Sleep(20 * time.Millisecond)
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer ts.Close()
	res, err := Run(context.Background(), Options{BaseURL: ts.URL, Paths: []string{"/fast", "/slow", "/fast", "/missing"},
		Workers: 2, Duration: 10 * time.Second, MaxRequests: 40, Header: http.Header{"Authorization": {"Bearer x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 40 || n.Load() != 40 {
		t.Errorf("requests %d, served %d, want 40", res.Requests, n.Load())
	}
	if res.Status[200] != 30 || res.Status[404] != 10 || res.Errors != 10 || res.Bytes != 30*2+10*int64(len("404 page not found\n")) {
		t.Errorf("status %v errors %d bytes %d", res.Status, res.Errors, res.Bytes)
	}
	// A quarter of the requests sleep 20 ms: p50 is fast, p99 and max slow.
	if res.P50 >= 20*time.Millisecond || res.P99 < 20*time.Millisecond || res.Max < res.P99 || res.Throughput <= 0 {
		t.Errorf("p50 %s p99 %s max %s throughput %v", res.P50, res.P99, res.Max, res.Throughput)
	}
	if !strings.Contains(res.String(), "40 requests") {
		t.Errorf("String() = %s", res)
	}
}

func TestRunStopsAtTheDuration(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(5 * time.Millisecond) }))
	defer ts.Close()
	t0 := time.Now()
	res, err := Run(context.Background(), Options{BaseURL: ts.URL, Paths: []string{"/"}, Workers: 2, Duration: 200 * time.Millisecond, MaxRequests: MaxRequests})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 2*time.Second || res.Requests == 0 || res.Requests > 200 || res.Errors != 0 {
		t.Errorf("ran %s, %d requests, %d errors", d, res.Requests, res.Errors)
	}
}

func TestRunRefusesOtherHostsAndUnboundedRuns(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://192.168.1.10:8080", "http://example.com", "http://10.0.0.1", "ftp://127.0.0.1", "http://[2001:db8::1]:80"} {
		if _, err := Run(context.Background(), Options{BaseURL: base, Paths: []string{"/"}, Duration: time.Second, MaxRequests: 1}); err == nil {
			t.Errorf("Run accepted %s", base)
		}
	}
	for _, o := range []Options{
		{BaseURL: "http://127.0.0.1:1", Paths: []string{"/"}, Duration: 0, MaxRequests: 1},
		{BaseURL: "http://127.0.0.1:1", Paths: []string{"/"}, Duration: time.Hour, MaxRequests: 1},
		{BaseURL: "http://127.0.0.1:1", Paths: []string{"/"}, Duration: time.Second, MaxRequests: 0},
		{BaseURL: "http://127.0.0.1:1", Duration: time.Second, MaxRequests: 1},
	} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("Run accepted %+v", o)
		}
	}
	for _, base := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.8.9.10:1"} {
		if _, err := checkLoopback(base); err != nil {
			t.Errorf("checkLoopback(%s): %v", base, err)
		}
	}
}
