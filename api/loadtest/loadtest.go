// Package loadtest is a small HTTP load generator for landplan's API on the
// loopback interface: a fixed number of workers send GET requests from a
// list of paths, round-robin, until a request count or a duration is
// reached (both are required and capped), and report throughput and latency
// percentiles. It refuses any host that is not a loopback address, so a
// mistyped URL cannot load someone else's server.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Limits that no Options can exceed.
const (
	MaxDuration = 5 * time.Minute
	MaxRequests = 5_000_000
	MaxWorkers  = 256
)

// Options configure a run.
type Options struct {
	BaseURL     string        // e.g. http://127.0.0.1:8080 (loopback only)
	Paths       []string      // request paths with query, cycled through
	Workers     int           // concurrent connections; default 4
	Duration    time.Duration // stop after this long (required, ≤ MaxDuration)
	MaxRequests int           // stop after this many requests (required, ≤ MaxRequests)
	Header      http.Header   // sent with every request (e.g. Authorization)
}

// Result is what a run measured.
type Result struct {
	Requests   int
	Errors     int         // transport errors and statuses ≥ 400
	Status     map[int]int // responses by status
	Bytes      int64       // response body bytes read
	Elapsed    time.Duration
	Throughput float64 // requests per second
	P50, P90   time.Duration
	P99, Max   time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %.2fs: %.0f req/s, p50 %s, p90 %s, p99 %s, max %s, %d errors, %.1f MB",
		r.Requests, r.Elapsed.Seconds(), r.Throughput, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond), r.Errors, float64(r.Bytes)/1e6)
}

// checkLoopback refuses any base URL whose host is not a loopback address.
func checkLoopback(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("loadtest: base URL %q is not an http(s) URL", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("loadtest: %q is not a loopback address; load tests only target this machine", host)
	}
	return u, nil
}

// Run sends the load and measures it.
func Run(ctx context.Context, o Options) (Result, error) {
	base, err := checkLoopback(o.BaseURL)
	if err != nil {
		return Result{}, err
	}
	switch {
	case len(o.Paths) == 0:
		return Result{}, errors.New("loadtest: no paths")
	case o.Duration <= 0 || o.Duration > MaxDuration:
		return Result{}, fmt.Errorf("loadtest: duration %s must be in (0, %s]", o.Duration, MaxDuration)
	case o.MaxRequests <= 0 || o.MaxRequests > MaxRequests:
		return Result{}, fmt.Errorf("loadtest: request count %d must be in (0, %d]", o.MaxRequests, MaxRequests)
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 4
	}
	workers = min(workers, MaxWorkers)
	tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers, DisableCompression: false}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		// Only follow redirects on the same loopback host.
		CheckRedirect: func(r *http.Request, _ []*http.Request) error {
			if r.URL.Host != base.Host {
				return errors.New("loadtest: redirect off the loopback host")
			}
			return nil
		}}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()

	var next atomic.Int64
	type sample struct {
		lat    time.Duration
		status int
		bytes  int64
	}
	per := make([][]sample, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(o.MaxRequests) {
					return
				}
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+o.Paths[i%int64(len(o.Paths))], nil)
				if err != nil {
					per[w] = append(per[w], sample{status: -1})
					continue
				}
				for k, vs := range o.Header {
					req.Header[k] = vs
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						return // the run ended mid-request: not a server error
					}
					per[w] = append(per[w], sample{lat: time.Since(t0), status: -1})
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				per[w] = append(per[w], sample{lat: time.Since(t0), status: resp.StatusCode, bytes: n})
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)

	res := Result{Status: map[int]int{}, Elapsed: elapsed}
	var lats []time.Duration
	for _, ss := range per {
		for _, s := range ss {
			res.Requests++
			res.Status[s.status]++
			res.Bytes += s.bytes
			if s.status < 0 || s.status >= 400 {
				res.Errors++
			}
			lats = append(lats, s.lat)
		}
	}
	if res.Requests == 0 {
		return res, errors.New("loadtest: no request completed")
	}
	slices.Sort(lats)
	pct := func(p float64) time.Duration {
		i := int(p*float64(len(lats))+0.5) - 1
		return lats[max(0, min(i, len(lats)-1))]
	}
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), lats[len(lats)-1]
	res.Throughput = float64(res.Requests) / elapsed.Seconds()
	return res, nil
}
