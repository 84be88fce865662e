package tiles_test

import (
	"testing"

	"github.com/paulmach/orb"

	"landplan/tiles"
)

func entryOf(n int) *tiles.Entry {
	return &tiles.Entry{Data: make([]byte, n), ETag: `"x"`, Features: 1}
}

// A change drops exactly the tiles whose buffered box it meets, on every
// zoom, layer and view, and nothing else.
func TestCacheInvalidateOnlyMeetingTiles(t *testing.T) {
	c := tiles.NewCache(1<<30, tiles.DefaultOptions)
	change := orb.Bound{Min: orb.Point{121.1500, 28.8500}, Max: orb.Point{121.1502, 28.8502}} // ~20 m
	var keys []tiles.Key
	for z := 10; z <= 18; z++ {
		centre := tiles.TileAt(change.Center(), z)
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				for _, l := range []string{"parcels", "buildings"} {
					for _, v := range []tiles.View{tiles.ViewViewer, tiles.ViewFull} {
						k := tiles.Key{Layer: l, View: v, Tile: tiles.Tile{Z: z, X: centre.X + dx, Y: centre.Y + dy}}
						keys = append(keys, k)
						if !c.Put(k, entryOf(100), c.Epoch()) {
							t.Fatalf("Put %v refused", k)
						}
					}
				}
			}
		}
	}
	want := map[tiles.Key]bool{} // stale: the buffered box meets the change
	for _, k := range keys {
		want[k] = k.Tile.BufferedBound(4096, 64).Intersects(change)
	}
	n := c.Invalidate(change)
	dropped := 0
	for _, k := range keys {
		_, ok := c.Get(k)
		if ok == want[k] {
			t.Errorf("%v: cached after invalidation = %v, stale = %v", k, ok, want[k])
		}
		if !ok {
			dropped++
		}
	}
	if n != dropped || n < 9*4 || n == len(keys) {
		t.Errorf("Invalidate dropped %d (counted %d) of %d", n, dropped, len(keys))
	}
	// The tile just east of the change's own zoom-18 tile is dropped only
	// when the change reaches into its buffer: check one such case by hand.
	t18 := tiles.TileAt(change.Center(), 18)
	far := tiles.Key{Layer: "parcels", View: tiles.ViewFull, Tile: tiles.Tile{Z: 18, X: t18.X + 2, Y: t18.Y}}
	if _, ok := c.Get(far); !ok {
		t.Errorf("tile two columns east at zoom 18 (%v) was dropped", far.Tile)
	}
}

// Near a tile edge: a change a few metres west of the line between two
// zoom-18 tiles makes the eastern one stale through its 64-unit buffer
// (~2 m), but one 10 m west of the line does not.
func TestCacheInvalidateBuffer(t *testing.T) {
	tl := tiles.Tile{Z: 18, X: 219254, Y: 109115}
	east := tiles.Tile{Z: 18, X: tl.X + 1, Y: tl.Y}
	edge := tl.Bound().Max[0]
	lat := tl.Bound().Center()[1]
	unit := (tl.Bound().Max[0] - tl.Bound().Min[0]) / 4096 // degrees per tile unit
	for _, c := range []struct {
		offset float64 // tile units west of the edge
		stale  bool
	}{{10, true}, {63, true}, {65, false}, {300, false}} {
		cache := tiles.NewCache(1<<20, tiles.DefaultOptions)
		k := tiles.Key{Layer: "parcels", View: tiles.ViewFull, Tile: east}
		cache.Put(k, entryOf(10), cache.Epoch())
		x := edge - c.offset*unit
		cache.Invalidate(orb.Bound{Min: orb.Point{x - unit/4, lat}, Max: orb.Point{x, lat}})
		if _, ok := cache.Get(k); ok == c.stale {
			t.Errorf("change %v units west of the edge: east tile cached = %v, want stale = %v", c.offset, ok, c.stale)
		}
	}
}

// The least recently used tiles go first once the bytes exceed the limit.
func TestCacheLRUByBytes(t *testing.T) {
	c := tiles.NewCache(3*(1000+350+3), tiles.DefaultOptions) // three 1000-byte entries (+ overhead and ETag)
	k := func(i int) tiles.Key {
		return tiles.Key{Layer: "parcels", Tile: tiles.Tile{Z: 18, X: i, Y: 0}, View: tiles.ViewFull}
	}
	for i := 0; i < 3; i++ {
		c.Put(k(i), entryOf(1000), c.Epoch())
	}
	c.Get(k(0)) // 1 is now the least recently used
	c.Put(k(3), entryOf(1000), c.Epoch())
	for i, want := range []bool{true, false, true, true} {
		if _, ok := c.Get(k(i)); ok != want {
			t.Errorf("entry %d cached = %v, want %v", i, ok, want)
		}
	}
	s := c.Stats()
	if s.Entries != 3 || s.Bytes != 3*1353 || s.Evicted != 1 {
		t.Errorf("stats %+v", s)
	}
	// An entry larger than the whole cache is not stored.
	if c.Put(k(9), entryOf(10000), c.Epoch()) {
		t.Error("oversized entry stored")
	}
}

// A tile rendered from data read before a change that meets it must not be
// cached after the change; one the change does not meet may be.
func TestCachePutAfterInvalidation(t *testing.T) {
	c := tiles.NewCache(1<<20, tiles.DefaultOptions)
	a := tiles.Key{Layer: "parcels", View: tiles.ViewFull, Tile: tiles.Tile{Z: 16, X: 54813, Y: 27278}}
	b := tiles.Key{Layer: "parcels", View: tiles.ViewFull, Tile: tiles.Tile{Z: 16, X: 54900, Y: 27278}}
	epoch := c.Epoch()
	c.Invalidate(a.Tile.Bound()) // a change while a and b were rendering
	if c.Put(a, entryOf(10), epoch) {
		t.Error("stale render of a was cached")
	}
	if !c.Put(b, entryOf(10), epoch) {
		t.Error("render of b, which the change does not meet, was refused")
	}
	c.InvalidateAll()
	if _, ok := c.Get(b); ok {
		t.Error("InvalidateAll kept b")
	}
	if c.Put(b, entryOf(10), epoch) {
		t.Error("render from before InvalidateAll was cached")
	}
	if !c.Put(b, entryOf(10), c.Epoch()) {
		t.Error("fresh render refused")
	}
	// More invalidations than the cache remembers: a render older than all
	// of them cannot be checked and is refused.
	e := c.Epoch()
	for i := 0; i < 300; i++ {
		c.Invalidate(orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{0.1, 0.1}})
	}
	if c.Put(a, entryOf(10), e) {
		t.Error("render older than the remembered invalidations was cached")
	}
}

// A negative cache size is no cache (a zero-byte bound: no entry fits, so
// every request renders); 0 is the 64 MiB default.
func TestServiceWithoutCache(t *testing.T) {
	svc := tiles.NewService(tiles.StoreSource{Store: nil}, -1)
	if got := svc.Cache().Stats().MaxBytes; got != 0 {
		t.Errorf("max bytes %d, want 0", got)
	}
	if tiles.NewService(tiles.StoreSource{}, 0).Cache().Stats().MaxBytes != 64<<20 {
		t.Error("0 is not the 64 MiB default")
	}
}

// With many cached tiles an invalidation probes only the tiles around the
// change; it must drop exactly the tiles whose buffered box meets it, as a
// scan of every entry would.
func TestCacheInvalidateProbesMatchScan(t *testing.T) {
	c := tiles.NewCache(1<<30, tiles.DefaultOptions)
	origin := tiles.TileAt(orb.Point{121.1, 28.85}, 16)
	var keys []tiles.Key
	for dx := 0; dx < 60; dx++ {
		for dy := 0; dy < 60; dy++ {
			for _, v := range []tiles.View{tiles.ViewFull, tiles.ViewViewer} {
				k := tiles.Key{Layer: "parcels", Tile: tiles.Tile{Z: 16, X: origin.X + dx, Y: origin.Y + dy}, View: v}
				keys = append(keys, k)
				c.Put(k, entryOf(10), c.Epoch())
			}
		}
	}
	// A point change just inside one tile's north-west corner: within the
	// buffer of its three neighbours there, which the tiles covering the
	// change alone would miss.
	b := tiles.Tile{Z: 16, X: origin.X + 30, Y: origin.Y + 30}.Bound()
	p := orb.Point{b.Min[0] + 1e-7, b.Max[1] - 1e-7}
	change := orb.Bound{Min: p, Max: p}
	want := 0
	for _, k := range keys {
		if k.Tile.BufferedBound(4096, 64).Intersects(change) {
			want++
		}
	}
	if n := c.Invalidate(change); n != want || want != 8 {
		t.Errorf("dropped %d tiles, want %d (4 tiles × 2 views)", n, want)
	}
	for _, k := range keys {
		_, cached := c.Get(k)
		if meets := k.Tile.BufferedBound(4096, 64).Intersects(change); cached == meets {
			t.Errorf("%v: cached %v, meets the change %v", k.Tile, cached, meets)
		}
	}
}
