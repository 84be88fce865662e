package gpkg

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"landplan/parcels"
)

const crashEnv = "LANDPLAN_GPKG_CRASH_FILE"

// crashChild is the child side of TestCrashLosesNothingAcknowledged: it
// writes parcels (each with a building on it) one write at a time until it is
// killed, printing "ack <kind> <id> <code>" after each write returns.
func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		code := fmt.Sprintf("331082001001GB%05d", i)
		p, err := s.CreateParcel(ctx, &parcels.Parcel{Code: code, Name: "crash", Geometry: rect(float64(60*(i%100)), float64(60*(i/100)), 50, 50)}, "crash")
		if err != nil {
			fmt.Println("create:", err)
			os.Exit(2)
		}
		fmt.Fprintf(out, "ack parcel %d %s\n", p.ID, code)
		out.Flush()
		b, err := s.CreateBuilding(ctx, &parcels.Building{Name: code, Floors: 3, Geometry: rect(float64(60*(i%100))+5, float64(60*(i/100))+5, 20, 20)}, "crash")
		if err != nil {
			fmt.Println("create building:", err)
			os.Exit(2)
		}
		fmt.Fprintf(out, "ack building %d %s\n", b.ID, code)
		out.Flush()
	}
}

// TestCrashLosesNothingAcknowledged runs a child process (this test binary
// again) that writes and acknowledges row after row, kills it hard (SIGKILL)
// mid-stream, reopens the file and finds every acknowledged row, with its
// derived values, and the file still a consistent GeoPackage.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	for round, kill := range []int{1, 37, 150} {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("crash%d.gpkg", round))
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNothingAcknowledged$")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		type ack struct {
			kind parcels.Kind
			id   int64
			code string
		}
		var acks []ack
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 4 || f[0] != "ack" {
				t.Fatalf("child said %q", sc.Text())
			}
			id, _ := strconv.ParseInt(f[2], 10, 64)
			acks = append(acks, ack{parcels.Kind(f[1]), id, f[3]})
			if len(acks) == kill {
				// Kill while the child is in the middle of its next write.
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Lines already in the pipe when the signal landed were acknowledged too.
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, want killed by SIGKILL", round, err)
		}
		if len(acks) < kill {
			t.Fatalf("round %d: child acknowledged %d writes before dying, want ≥ %d", round, len(acks), kill)
		}

		ctx := context.Background()
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after crash: %v", round, err)
		}
		for _, a := range acks {
			switch a.kind {
			case parcels.KindParcel:
				p, err := s.GetParcel(ctx, a.id)
				if err != nil || p.Code != a.code {
					t.Fatalf("round %d: acknowledged parcel %d (%s) after crash: %v %v", round, a.id, a.code, p, err)
				}
			case parcels.KindBuilding:
				b, err := s.GetBuilding(ctx, a.id)
				if err != nil || b.Name != a.code || b.ParcelID == 0 {
					t.Fatalf("round %d: acknowledged building %d (%s) after crash: %+v %v", round, a.id, a.code, b, err)
				}
				p, err := s.GetParcel(ctx, b.ParcelID)
				if err != nil || p.BuildingCount != 1 || p.FloorAreaM2 < 1199 || p.FloorAreaM2 > 1201 {
					t.Fatalf("round %d: parcel of building %d after crash: %+v %v", round, a.id, p, err)
				}
			}
		}
		// Nothing half-written: every building has its parcel, the R-tree
		// matches the table, and the store still takes writes.
		var orphans, rtreeRows, rows int
		s.r.QueryRow("SELECT count(*) FROM buildings WHERE parcel_id IS NULL").Scan(&orphans)
		s.r.QueryRow("SELECT count(*) FROM rtree_parcels_geom").Scan(&rtreeRows)
		s.r.QueryRow("SELECT count(*) FROM parcels").Scan(&rows)
		if orphans != 0 || rtreeRows != rows {
			t.Errorf("round %d: %d orphan buildings, R-tree %d rows for %d parcels", round, orphans, rtreeRows, rows)
		}
		if s.idx[parcels.KindParcel].tr.Len() != rows {
			t.Errorf("round %d: in-memory R-tree has %d parcels, file %d", round, s.idx[parcels.KindParcel].tr.Len(), rows)
		}
		var check string
		s.r.QueryRow("PRAGMA integrity_check").Scan(&check)
		if check != "ok" {
			t.Errorf("round %d: integrity_check: %s", round, check)
		}
		if _, err := s.CreateParcel(ctx, &parcels.Parcel{Name: "after", Geometry: rect(-500, -500, 10, 10)}, "t"); err != nil {
			t.Errorf("round %d: write after crash: %v", round, err)
		}
		t.Logf("round %d: killed after %d acknowledged writes (%d read), file has %d parcels", round, kill, len(acks), rows)
		s.Close()
	}
}
