package tiles

import (
	"container/list"
	"sync"

	"github.com/paulmach/orb"
)

// Key names one cached tile. View rather than role: editors and planners get
// the same bytes, so they share an entry (see ViewFor).
type Key struct {
	Layer string
	Tile  Tile
	View  View
}

// Entry is an encoded tile. Data is nil for an empty tile (no features);
// empty tiles are cached too, since most requests at the edge of the data
// are for them.
type Entry struct {
	Data     []byte // MVT bytes, uncompressed
	Gzip     []byte // the same, gzipped; nil when Data is nil
	ETag     string // strong validator of Data, quoted
	Features int
}

// entryOverhead approximates the bytes an entry costs besides its data
// (key, list element, map slot, item, Entry), so that many empty tiles
// still count: measured at about 350 bytes of heap per empty tile (360,800
// empty tiles took 124 MiB when 160 was assumed).
const entryOverhead = 350

func (e *Entry) size() int64 { return int64(len(e.Data) + len(e.Gzip) + len(e.ETag) + entryOverhead) }

// recentInvalidations is how many invalidations the cache remembers to
// refuse a tile rendered before one of them (see Put).
const recentInvalidations = 256

type cacheItem struct {
	key   Key
	bound orb.Bound // the tile's buffered lon/lat box: what a change must meet
	entry *Entry
}

type invalidation struct {
	epoch uint64
	bound orb.Bound
	all   bool
}

// Cache is an LRU of encoded tiles bounded by their total bytes. It is safe
// for concurrent use.
type Cache struct {
	mu       sync.Mutex
	max      int64
	size     int64
	opt      Options
	ll       *list.List // front = most recently used
	m        map[Key]*list.Element
	byZoom   map[int]map[Key]*list.Element // the same entries by zoom, for Invalidate
	epoch    uint64
	recent   []invalidation // the last recentInvalidations, oldest first
	hits     uint64
	misses   uint64
	evicted  uint64
	rejected uint64
}

// NewCache returns a cache holding at most maxBytes of tiles encoded with
// opt (whose extent and buffer say how far a tile's features reach).
func NewCache(maxBytes int64, opt Options) *Cache {
	return &Cache{max: maxBytes, opt: opt, ll: list.New(), m: map[Key]*list.Element{}, byZoom: map[int]map[Key]*list.Element{}}
}

// Get returns the cached tile and marks it recently used.
func (c *Cache) Get(k Key) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[k]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.ll.MoveToFront(el)
	return el.Value.(*cacheItem).entry, true
}

// Epoch is the cache's invalidation counter. Read it before reading the
// features of a tile and pass it to Put.
func (c *Cache) Epoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// Put stores a tile rendered from data read after Epoch returned epoch. It
// refuses (and returns false) when an invalidation since then met the tile:
// the data it was made from may predate that change, and caching it would
// serve the old state until the next change.
func (c *Cache) Put(k Key, e *Entry, epoch uint64) bool {
	b := k.Tile.BufferedBound(c.opt.Extent, c.opt.Buffer)
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		if len(c.recent) == 0 || c.recent[0].epoch > epoch+1 {
			c.rejected++ // older than what we remember: cannot tell
			return false
		}
		for _, inv := range c.recent {
			if inv.epoch > epoch && (inv.all || inv.bound.Intersects(b)) {
				c.rejected++
				return false
			}
		}
	}
	if e.size() > c.max {
		return false
	}
	if el, ok := c.m[k]; ok {
		c.removeElement(el)
	}
	el := c.ll.PushFront(&cacheItem{key: k, bound: b, entry: e})
	c.m[k] = el
	if c.byZoom[k.Tile.Z] == nil {
		c.byZoom[k.Tile.Z] = map[Key]*list.Element{}
	}
	c.byZoom[k.Tile.Z][k] = el
	c.size += e.size()
	for c.size > c.max {
		c.removeElement(c.ll.Back())
		c.evicted++
	}
	return true
}

func (c *Cache) removeElement(el *list.Element) {
	it := el.Value.(*cacheItem)
	c.ll.Remove(el)
	delete(c.m, it.key)
	delete(c.byZoom[it.key.Tile.Z], it.key)
	c.size -= it.entry.size()
}

func (c *Cache) remember(inv invalidation) {
	c.epoch++
	inv.epoch = c.epoch
	if len(c.recent) == recentInvalidations {
		copy(c.recent, c.recent[1:])
		c.recent = c.recent[:len(c.recent)-1]
	}
	c.recent = append(c.recent, inv)
}

// Invalidate drops every cached tile (all layers, zooms and views) whose
// buffered box meets b, the lon/lat box of a change (old and new geometry),
// and returns how many it dropped.
func (c *Cache) Invalidate(b orb.Bound) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remember(invalidation{bound: b})
	n := 0
	drop := func(el *list.Element) {
		if el.Value.(*cacheItem).bound.Intersects(b) {
			c.removeElement(el)
			n++
		}
	}
	// Per zoom, whichever is fewer: the cached entries of that zoom, or
	// the keys of the tiles around b (one tile more each way for the
	// buffer), so a small change in a large cache does not scan it all.
	for z, entries := range c.byZoom {
		lo := TileAt(orb.Point{b.Min[0], b.Max[1]}, z)
		hi := TileAt(orb.Point{b.Max[0], b.Min[1]}, z)
		last := 1<<z - 1
		x0, x1 := max(lo.X-1, 0), min(hi.X+1, last)
		y0, y1 := max(lo.Y-1, 0), min(hi.Y+1, last)
		if probes := (x1 - x0 + 1) * (y1 - y0 + 1) * len(allLayers) * 2; probes < len(entries) {
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					for _, l := range allLayers {
						for _, v := range []View{ViewFull, ViewViewer} {
							if el, ok := entries[Key{Layer: l.Name, Tile: Tile{Z: z, X: x, Y: y}, View: v}]; ok {
								drop(el)
							}
						}
					}
				}
			}
			continue
		}
		for _, el := range entries {
			drop(el)
		}
	}
	return n
}

// InvalidateAll drops every tile: for a change feed that was interrupted,
// when changes may have been missed.
func (c *Cache) InvalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remember(invalidation{all: true})
	c.ll.Init()
	c.m = map[Key]*list.Element{}
	c.byZoom = map[int]map[Key]*list.Element{}
	c.size = 0
}

// CacheStats are the cache's counters.
type CacheStats struct {
	Entries                         int
	Bytes, MaxBytes                 int64
	Hits, Misses, Evicted, Rejected uint64
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Entries: c.ll.Len(), Bytes: c.size, MaxBytes: c.max,
		Hits: c.hits, Misses: c.misses, Evicted: c.evicted, Rejected: c.rejected}
}
