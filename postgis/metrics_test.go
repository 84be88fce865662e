package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"landplan/parcels"
)

// metricValue gathers reg and returns the value of name (with label
// state=state when state is not empty).
func metricValue(t *testing.T, reg *prometheus.Registry, name, state string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if state != "" && !hasLabel(m, "state", state) {
				continue
			}
			if g := m.GetGauge(); g != nil {
				return g.GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("metric %s{state=%q} not gathered", name, state)
	return 0
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

func TestPoolMetrics(t *testing.T) {
	ctx := context.Background()
	db := MustOpenConns(t, 3)
	reg := prometheus.NewRegistry()
	if err := reg.Register(db); err != nil {
		t.Fatal(err)
	}
	before := metricValue(t, reg, "landplan_postgis_pool_acquires_total", "")
	const n = 25
	for i := 0; i < n; i++ {
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ListParcels(ctx, parcels.Query{Limit: 10}); err != nil {
		t.Fatal(err)
	}
	after := metricValue(t, reg, "landplan_postgis_pool_acquires_total", "")
	if after-before < n+1 {
		t.Fatalf("acquires grew by %v after %d pings and a list, want ≥ %d", after-before, n, n+1)
	}
	if m := metricValue(t, reg, "landplan_postgis_pool_max_connections", ""); m != 3 {
		t.Fatalf("max connections %v, want 3", m)
	}
	total := metricValue(t, reg, "landplan_postgis_pool_connections", "total")
	idle := metricValue(t, reg, "landplan_postgis_pool_connections", "idle")
	acq := metricValue(t, reg, "landplan_postgis_pool_connections", "acquired")
	if total < 1 || total > 3 || acq != 0 || idle+acq > total {
		t.Fatalf("connections total %v idle %v acquired %v", total, idle, acq)
	}
	// Hold every connection, so the next acquire finds the pool empty.
	var held []interface{ Release() }
	for i := 0; i < 3; i++ {
		c, err := db.Pool().Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if a := metricValue(t, reg, "landplan_postgis_pool_connections", "acquired"); a != 3 {
		t.Fatalf("acquired %v while holding 3", a)
	}
	emptyBefore := metricValue(t, reg, "landplan_postgis_pool_empty_acquires_total", "")
	done := make(chan error)
	go func() { done <- db.Ping(ctx) }()
	// pgxpool counts an empty acquire when it completes: let the ping
	// wait a while, then free the pool.
	select {
	case err := <-done:
		t.Fatalf("ping returned (%v) while the pool was full", err)
	case <-time.After(50 * time.Millisecond):
	}
	for _, c := range held {
		c.Release()
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if e := metricValue(t, reg, "landplan_postgis_pool_empty_acquires_total", "") - emptyBefore; e < 1 {
		t.Fatalf("empty acquires grew by %v after a waited acquire", e)
	}
	if w := metricValue(t, reg, "landplan_postgis_pool_empty_acquire_wait_seconds_total", ""); w < 0.04 {
		t.Fatalf("empty acquire wait %v s, want ≥ 0.04 after a 50 ms wait", w)
	}
	if s := metricValue(t, reg, "landplan_postgis_pool_acquire_seconds_total", ""); s <= 0 {
		t.Fatalf("acquire seconds %v, want > 0 after a waited acquire", s)
	}
}
