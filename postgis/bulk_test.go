package postgis_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
	"landplan/parcels/storetest"
)

// bulkParcels makes n parcels with every field set: 40 m × 30 m plots with
// a sixth, notched vertex, on a grid with 10 m roads, around Linhai.
func bulkParcels(n int) []*parcels.Parcel {
	ps := make([]*parcels.Parcel, n)
	const cols = 400
	for i := range ps {
		x, y := float64(i%cols)*50, float64(i/cols)*40
		g := storetest.LonLat(orb.MultiPolygon{{storetest.PlaneRing(x, y, x+40, y, x+40, y+20, x+35, y+30, x, y+30)}})
		p := storetest.NewParcel(fmt.Sprintf("331082%03d%03dGB%05d", (i/100000)%1000, (i/1000)%100, i%100000), g)
		p.Attrs = map[string]any{"批次": "bulk", "序号": float64(i)}
		ps[i] = p
	}
	return ps
}

// TestBulkInsert creates parcels in one CreateParcels call and checks the
// rows and the rate. By default 10,000 parcels (a correctness check that
// only logs the rate); the measurement of the issue is
//
//	LANDPLAN_BULK_N=100000 scripts/test -run TestBulkInsert -v ./postgis
//
// which also fails below the goal of 20,000 parcels/s.
func TestBulkInsert(t *testing.T) {
	n := 10000
	if s := os.Getenv("LANDPLAN_BULK_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			t.Fatalf("LANDPLAN_BULK_N=%q is not a positive number", s)
		}
		n = v
	}
	// One connection, so the PostgreSQL backend that does the work is known
	// and its CPU time can be read (the machine is shared: CPU times show
	// what the wall clock hides).
	db := MustOpenConns(t, 1)
	var backend int
	if err := db.Pool().QueryRow(t.Context(), "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		t.Fatal(err)
	}
	ps := bulkParcels(n)
	goCPU0, pgCPU0 := processCPU(), backendCPU(backend)
	t0 := time.Now()
	got, err := db.CreateParcels(t.Context(), ps, "bulk")
	d := time.Since(t0)
	if err != nil {
		t.Fatalf("CreateParcels(%d): %v", n, err)
	}
	goCPU, pgCPU := processCPU()-goCPU0, backendCPU(backend)-pgCPU0
	rate := float64(n) / d.Seconds()
	var load string
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	t.Logf("CreateParcels: %d parcels with derived values in %v = %.0f parcels/s (Go CPU %v, PostgreSQL backend CPU %v, load average %s)",
		n, d.Round(time.Millisecond), rate, goCPU.Round(time.Millisecond), pgCPU.Round(time.Millisecond), load)
	if len(got) != n {
		t.Fatalf("%d rows back, want %d", len(got), n)
	}
	var count, hist int64
	if err := db.Pool().QueryRow(t.Context(), "SELECT count(*) FROM parcels WHERE deleted_at IS NULL").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool().QueryRow(t.Context(), "SELECT count(*) FROM history WHERE kind = 'parcel' AND op = 'create'").Scan(&hist); err != nil {
		t.Fatal(err)
	}
	if count != int64(n) || hist != int64(n) {
		t.Errorf("after the batch: %d parcels and %d history records, want %d of each", count, hist, n)
	}
	// 40×30 minus the 5×10/2 notch = 1175 m².
	for _, i := range []int{0, n / 2, n - 1} {
		p, err := db.GetParcel(t.Context(), got[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := p.AreaM2 - 1175; d > 1e-3 || d < -1e-3 {
			t.Errorf("#%d: area_m2 = %.6f, want 1175", i, p.AreaM2)
		}
		if p.Code != ps[i].Code || p.ID != got[i].ID {
			t.Errorf("#%d came back as %q (id %d), want %q (id %d)", i, p.Code, p.ID, ps[i].Code, got[i].ID)
		}
	}
	if n >= 100000 && rate < 20000 {
		t.Errorf("%.0f parcels/s is below the goal of 20,000 parcels/s", rate)
	}
}

// BenchmarkBulkInsert measures CreateParcels of 100,000 parcels (each
// iteration into a fresh database):
//
//	LANDPLAN_TEST_DATABASE=… go test -run XXX -bench BulkInsert -benchtime 1x ./postgis
func BenchmarkBulkInsert(b *testing.B) {
	const n = 100000
	ps := bulkParcels(n)
	for b.Loop() {
		b.StopTimer()
		db := MustOpen(b)
		b.StartTimer()
		if _, err := db.CreateParcels(b.Context(), ps, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "parcels/s")
}

// processCPU is this process's user+system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU is the user+system CPU time of a local PostgreSQL backend,
// from /proc (0 when the database is not on this machine).
func backendCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100) // USER_HZ
}
