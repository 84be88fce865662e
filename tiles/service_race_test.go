package tiles

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

type slowSrc struct {
	mu       sync.Mutex
	status   string
	readDone chan struct{}
	gate     chan struct{}
	once     sync.Once
}

func (s *slowSrc) Features(ctx context.Context, l *Layer, b orb.Bound) ([]Feature, error) {
	s.mu.Lock()
	st := s.status
	s.mu.Unlock()
	g := orb.MultiPolygon{{rect(121.10, 28.85, 121.11, 28.86)}}
	fs := []Feature{{ID: 1, Geometry: g, Props: map[string]any{"id": int64(1), "status": st}}}
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.readDone)
		<-s.gate
	}
	return fs, nil
}

// A request that arrives after a write and its invalidation joins a render
// that read the rows before the write, and is answered with the old tile.
func TestWaiterAfterWriteGetsNewTile(t *testing.T) {
	src := &slowSrc{status: "idle", readDone: make(chan struct{}), gate: make(chan struct{})}
	svc := NewService(src, 1<<20)
	tl := TileAt(orb.Point{121.105, 28.855}, 14)
	go svc.Tile(context.Background(), parcelLayer, tl, ViewFull)
	<-src.readDone
	// the write commits and invalidates
	src.mu.Lock()
	src.status = "redeveloping"
	src.mu.Unlock()
	svc.Invalidate(tl.Bound())
	// a request after the write
	res := make(chan *Entry, 1)
	go func() { e, _ := svc.Tile(context.Background(), parcelLayer, tl, ViewFull); res <- e }()
	time.Sleep(20 * time.Millisecond)
	close(src.gate)
	e := <-res
	fresh, _ := MakeEntry(tl, []LayerFeatures{{Layer: parcelLayer, Features: []Feature{{ID: 1, Geometry: orb.MultiPolygon{{rect(121.10, 28.85, 121.11, 28.86)}}, Props: map[string]any{"id": int64(1), "status": "redeveloping"}}}}}, ViewFull, DefaultOptions)
	if e.ETag != fresh.ETag {
		t.Errorf("request made after the write got the pre-write tile")
	}
}
