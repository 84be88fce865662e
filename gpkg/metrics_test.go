package gpkg

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"landplan/parcels"
)

func gathered(t *testing.T, reg *prometheus.Registry, name, state string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			if state != "" {
				for _, l := range m.GetLabel() {
					if l.GetName() == "state" && l.GetValue() == state {
						goto found
					}
				}
				continue metrics
			}
		found:
			if g := m.GetGauge(); g != nil {
				return g.GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("metric %s{state=%q} not gathered", name, state)
	return 0
}

func TestMetrics(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t)
	reg := prometheus.NewRegistry()
	if err := reg.Register(s); err != nil {
		t.Fatal(err)
	}
	w0 := gathered(t, reg, "landplan_gpkg_writer_acquires_total", "")
	const n = 7
	for i := 0; i < n; i++ {
		if _, err := s.CreateParcel(ctx, &parcels.Parcel{Geometry: rect(float64(i)*200, 0, 100, 100)}, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if w := gathered(t, reg, "landplan_gpkg_writer_acquires_total", "") - w0; w != n {
		t.Fatalf("writer acquires grew by %v after %d creates, want %d", w, n, n)
	}
	if m := gathered(t, reg, "landplan_gpkg_reader_max_connections", ""); m != 4 {
		t.Fatalf("reader max %v, want the default 4", m)
	}
	// Hold every reader connection: the next read waits, and says so.
	var conns []interface{ Close() error }
	for i := 0; i < 4; i++ {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if u := gathered(t, reg, "landplan_gpkg_reader_connections", "in_use"); u != 4 {
		t.Fatalf("in use %v while holding 4", u)
	}
	waits0 := gathered(t, reg, "landplan_gpkg_reader_waits_total", "")
	done := make(chan error)
	go func() { done <- s.Ping(ctx) }()
	for gathered(t, reg, "landplan_gpkg_reader_waits_total", "") == waits0 {
		select {
		case err := <-done:
			t.Fatalf("ping returned (%v) while every reader was held", err)
		default:
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ws := gathered(t, reg, "landplan_gpkg_reader_wait_seconds_total", ""); ws <= 0 {
		t.Fatalf("reader wait seconds %v after a wait", ws)
	}
	if u := gathered(t, reg, "landplan_gpkg_reader_connections", "in_use"); u != 0 {
		t.Fatalf("in use %v after release", u)
	}
}
