package gpkg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// The benchmark area: side × side parcels of 40 m × 40 m with 5 m streets,
// 45 m apart (100,000 parcels cover 14 km × 14 km around Linhai).
const (
	benchSide  = 317 // 317² = 100,489 ≥ 100,000
	benchCount = 100000
	benchPitch = 45.0
)

func benchParcel(i int) *parcels.Parcel {
	col, row := i%benchSide, i/benchSide
	return &parcels.Parcel{
		Code: fmt.Sprintf("331082%03d%03dGB%05d", row/100, row%100*10+col/100, col%100+1), Name: fmt.Sprintf("地块%d", i),
		Owner: "临海市测试有限公司", LandUse: "0601", LandSource: parcels.SourceTransferred, Status: parcels.StatusInUse,
		Town: "江南街道", LeaseStart: parcels.NewDate(2001, 1, 1), LeaseEnd: parcels.NewDate(2050, 12, 31),
		Geometry: rect(float64(col)*benchPitch, float64(row)*benchPitch, 40, 40),
	}
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
	benchDir  string
)

// benchStore returns the path of a file with 100,000 parcels, built once per
// process with CreateParcels in batches of 10,000 (and timed).
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "landplan-gpkg-bench")
		if benchErr != nil {
			return
		}
		benchPath = filepath.Join(benchDir, "100k.gpkg")
		ctx := context.Background()
		s, err := Open(ctx, benchPath, Options{})
		if err != nil {
			benchErr = err
			return
		}
		start := time.Now()
		const batch = 10000
		for i := 0; i < benchCount; i += batch {
			ps := make([]*parcels.Parcel, 0, batch)
			for j := i; j < i+batch && j < benchCount; j++ {
				ps = append(ps, benchParcel(j))
			}
			if _, err := s.CreateParcels(ctx, ps, "bench"); err != nil {
				benchErr = err
				return
			}
		}
		fmt.Fprintf(os.Stderr, "bench: wrote %d parcels with CreateParcels in %s\n", benchCount, time.Since(start).Round(time.Millisecond))
		benchErr = s.Close()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchWindow is a bbox of about 1,000 parcels (32 × 32) in the middle.
func benchWindow() orb.Bound {
	lo := rect(100*benchPitch+20, 100*benchPitch+20, 0.001, 0.001).Bound().Min
	hi := rect(131*benchPitch+20, 131*benchPitch+20, 0.001, 0.001).Bound().Max
	return orb.Bound{Min: lo, Max: hi}
}

// BenchmarkBBox100k: a bbox query returning ~1,000 of 100,000 parcels
// (every row complete, with NumberMatched).
func BenchmarkBBox100k(b *testing.B) {
	path := benchFile(b)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	win := benchWindow()
	b.ResetTimer()
	var n int
	for b.Loop() {
		page, err := s.ListParcels(context.Background(), parcels.Query{BBox: &win, Limit: 10000})
		if err != nil {
			b.Fatal(err)
		}
		n = len(page.Items)
	}
	b.ReportMetric(float64(n), "features/op")
}

// BenchmarkOpen100k: Open (schema check and the in-memory R-tree of every
// layer) of a 100,000-parcel file.
func BenchmarkOpen100k(b *testing.B) {
	path := benchFile(b)
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if s.idx[parcels.KindParcel].tr.Len() != benchCount {
			b.Fatalf("index has %d parcels", s.idx[parcels.KindParcel].tr.Len())
		}
		s.Close()
	}
}

const memEnv = "LANDPLAN_GPKG_MEM_FILE"

// TestMemoryChild is the child side of BenchmarkMemory100k: it opens the
// file, runs the bbox query and prints its heap figures. Without the
// environment variable it does nothing.
func TestMemoryChild(t *testing.T) {
	path := os.Getenv(memEnv)
	if path == "" {
		return
	}
	ctx := context.Background()
	var base, open, query runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&open)
	win := benchWindow()
	for range 10 {
		if _, err := s.ListParcels(ctx, parcels.Query{BBox: &win, Limit: 10000}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&query)
	fmt.Printf("mem %d %d %d\n", open.HeapAlloc-base.HeapAlloc, query.HeapAlloc, query.Sys)
	s.Close()
}

// BenchmarkMemory100k measures, in a fresh child process (this binary again,
// so the fixture's writing does not count): the heap that Open of the
// 100,000-parcel file adds (the R-trees), the heap after ten ~1,000-feature
// bbox queries, the memory obtained from the OS, and the child's peak RSS.
func BenchmarkMemory100k(b *testing.B) {
	path := benchFile(b)
	var openHeap, queryHeap, sys, rss float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), memEnv+"="+path)
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		var o, q, sy uint64
		if _, err := fmt.Sscanf(string(out), "mem %d %d %d", &o, &q, &sy); err != nil {
			b.Fatalf("child said %q: %v", out, err)
		}
		openHeap, queryHeap, sys = float64(o)/(1<<20), float64(q)/(1<<20), float64(sy)/(1<<20)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = float64(ru.Maxrss) / 1024
		}
	}
	b.ReportMetric(openHeap, "MiB-heap-open")
	b.ReportMetric(queryHeap, "MiB-heap-after-queries")
	b.ReportMetric(sys, "MiB-sys")
	b.ReportMetric(rss, "MiB-maxrss")
}

// BenchmarkWhere100k: a property filter without a spatial condition on an
// unindexed column (name): SQL scans the 100,000 rows (here one match).
func BenchmarkWhere100k(b *testing.B) {
	path := benchFile(b)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := parcels.Query{Where: parcels.Compare{Prop: "name", Op: "=", Value: "地块4242"}}
	for b.Loop() {
		page, err := s.ListParcels(context.Background(), q)
		if err != nil || page.NumberMatched != 1 {
			b.Fatalf("%v %v", page.NumberMatched, err)
		}
	}
}

// BenchmarkWhereCode100k: a filter on an indexed column (code), answered
// by an index search.
func BenchmarkWhereCode100k(b *testing.B) {
	path := benchFile(b)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := parcels.Query{Where: parcels.Compare{Prop: "code", Op: "=", Value: benchParcel(4242).Code}}
	for b.Loop() {
		page, err := s.ListParcels(context.Background(), q)
		if err != nil || page.NumberMatched != 1 || page.Items[0].Name != "地块4242" {
			b.Fatalf("%v %v", page.NumberMatched, err)
		}
	}
}

// BenchmarkListFirstPage100k: the first page of 100 with NumberMatched and
// no condition.
func BenchmarkListFirstPage100k(b *testing.B) {
	path := benchFile(b)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		page, err := s.ListParcels(context.Background(), parcels.Query{})
		if err != nil || page.NumberMatched != benchCount || len(page.Items) != 100 {
			b.Fatalf("%v %v", page.NumberMatched, err)
		}
	}
}
