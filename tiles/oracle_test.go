package tiles_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"landplan/internal/testdb"
	"landplan/tiles"
)

const mercHalf = 20037508.342789244 // π · 6378137 m

// merc is EPSG:3857 in metres, the spherical formulas PostGIS and GDAL use.
func merc(p orb.Point) orb.Point {
	return orb.Point{p[0] * mercHalf / 180, math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360)) * 6378137}
}

// distToRing is the distance from p to the nearest edge of any ring.
func distToRings(p orb.Point, rings []orb.Ring) float64 {
	best := math.Inf(1)
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			best = math.Min(best, segDist(p, r[i], r[i+1]))
		}
	}
	return best
}

func segDist(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func rings(g orb.Geometry) []orb.Ring {
	var out []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		out = append(out, g...)
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, p...)
		}
	}
	return out
}

// TestEncodeReadByGDAL writes the densest demo tile (parcels and buildings,
// viewer and full) as {z}/{x}/{y}.pbf and reads it back with GDAL's MVT
// driver (CLIP=NO: GDAL would cut the buffer off), which places tile units
// in EPSG:3857 itself. Every feature must
// come back with its attributes, every vertex within 1.5 tile units of the
// source polygon's outline (rounding ≤ 0.71, simplification ≤ 2 units
// from the kept outline), and the viewer's tile without owner.
func TestEncodeReadByGDAL(t *testing.T) {
	ogr2ogr := needTool(t, "ogr2ogr")
	ps, bs := demoFeatures(t)
	tl := denseTile(t, 15)
	src := map[string]map[int64]tiles.Feature{"parcels": {}, "buildings": {}}
	for _, f := range ps {
		src["parcels"][f.ID] = f
	}
	for _, f := range bs {
		src["buildings"][f.ID] = f
	}
	res := 2 * mercHalf / float64(int(1)<<tl.Z) / 4096 // metres per tile unit
	for _, view := range []tiles.View{tiles.ViewViewer, tiles.ViewFull} {
		data, n, err := tiles.Encode(tl, []tiles.LayerFeatures{{Layer: tiles.LayerByName("parcels"), Features: ps}, {Layer: tiles.LayerByName("buildings"), Features: bs}}, view, tiles.DefaultOptions)
		if err != nil || n < 100 {
			t.Fatalf("Encode: %d features, %v", n, err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, strconv.Itoa(tl.Z), strconv.Itoa(tl.X), strconv.Itoa(tl.Y)+".pbf")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		decoded := 0
		for _, layer := range []string{"parcels", "buildings"} {
			out := filepath.Join(dir, layer+".geojson")
			if b, err := exec.Command(ogr2ogr, "-oo", "CLIP=NO", "-f", "GeoJSON", out, path, layer).CombinedOutput(); err != nil {
				t.Fatalf("ogr2ogr: %v\n%s", err, b)
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var fc struct {
				CRS struct {
					Properties struct{ Name string } `json:"properties"`
				} `json:"crs"`
				Features []struct {
					Properties map[string]any  `json:"properties"`
					Geometry   json.RawMessage `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal(raw, &fc); err != nil {
				t.Fatal(err)
			}
			if fc.CRS.Properties.Name != "urn:ogc:def:crs:EPSG::3857" {
				t.Fatalf("GDAL did not georeference the tile: crs %q", fc.CRS.Properties.Name)
			}
			for _, f := range fc.Features {
				decoded++
				id := int64(f.Properties["mvt_id"].(float64))
				s, ok := src[layer][id]
				if !ok {
					t.Fatalf("%s: GDAL read id %d, which is no source feature", layer, id)
				}
				_, hasOwner := f.Properties["owner"]
				if layer == "parcels" && hasOwner != (view == tiles.ViewFull) {
					t.Errorf("%s view: parcel %d owner present = %v", view, id, hasOwner)
				}
				if hasOwner && f.Properties["owner"] != s.Props["owner"] {
					t.Errorf("parcel %d owner %v, want %v", id, f.Properties["owner"], s.Props["owner"])
				}
				for _, k := range []string{"name", "status", "use"} {
					if v, ok := s.Props[k]; ok && v != "" && f.Properties[k] != v {
						t.Errorf("%s %d: %s = %v, want %v", layer, id, k, f.Properties[k], v)
					}
				}
				var g struct {
					Type        string          `json:"type"`
					Coordinates json.RawMessage `json:"coordinates"`
				}
				json.Unmarshal(f.Geometry, &g)
				var mr [][][][2]float64
				if g.Type == "Polygon" {
					var pr [][][2]float64
					json.Unmarshal(g.Coordinates, &pr)
					mr = [][][][2]float64{pr}
				} else {
					json.Unmarshal(g.Coordinates, &mr)
				}
				// The source outline in metres, clipped to the buffered tile
				// the same way (a vertex on the clip edge is on the outline
				// of the clipped polygon, not of the source).
				var srcRings []orb.Ring
				bb := tl.BufferedBound(4096, 64)
				for _, r := range rings(s.Geometry) {
					m := make(orb.Ring, len(r))
					for i, p := range r {
						m[i] = merc(p)
					}
					srcRings = append(srcRings, m)
				}
				lo, hi := merc(bb.Min), merc(bb.Max)
				for _, poly := range mr {
					for _, r := range poly {
						for _, c := range r {
							p := orb.Point{c[0], c[1]}
							onClip := near(p[0], lo[0], res) || near(p[0], hi[0], res) || near(p[1], lo[1], res) || near(p[1], hi[1], res)
							if d := distToRings(p, srcRings); d > 1.5*res && !onClip {
								t.Errorf("%s %d: GDAL vertex %v is %.2f units from the source outline", layer, id, p, d/res)
							}
						}
					}
				}
			}
		}
		if decoded != n {
			t.Errorf("%s view: GDAL read %d features, Encode wrote %d", view, decoded, n)
		}
	}
}

// TestEncodeMatchesPostGIS compares the tile geometry of every demo parcel
// and building near two tiles (the densest at zoom 15, and a zoom-17 tile
// inside it where many polygons are clipped) with PostGIS's ST_AsMVTGeom
// on the same lon/lat input (as EPSG:4326, extent 4096, buffer 64, clip
// on). Simplification and the pixel filter are off on our side, as
// ST_AsMVTGeom has neither; both snap to the integer grid. Each vertex of
// either result must lie within one unit of the other's outline, each
// PostGIS vertex off the clip line must be exactly one of ours, and the
// areas must agree to within a unit along the perimeter.
//
// Vertices on the buffer's edge (±64 beyond the tile) are the exception,
// allowed 4 units along that edge: PostGIS snaps before it clips, we clip
// in floating point and then snap, and where an edge meets the clip line at
// a shallow angle half a unit of snapping moves the crossing several units
// along it (a slope of 1:7 turns 0.5 into 3.5). Ours is the exact crossing,
// rounded.
func TestEncodeMatchesPostGIS(t *testing.T) {
	url := testdb.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	ps, bs := demoFeatures(t)
	all := append(append([]tiles.Feature{}, ps...), bs...)
	t15 := denseTile(t, 15)
	c := t15.Bound().Center()
	t17 := tiles.TileAt(orb.Point{c[0] + 1e-5, c[1] + 1e-5}, 17)
	opt := tiles.Options{Extent: 4096, Buffer: 64}
	for _, tl := range []tiles.Tile{t15, t17} {
		bb := tl.BufferedBound(4096, 64)
		var near []tiles.Feature
		var wkts []string
		for _, f := range all {
			if f.Geometry.Bound().Intersects(bb) {
				near = append(near, f)
				wkts = append(wkts, wkt.MarshalString(f.Geometry))
			}
		}
		rows, err := conn.Query(ctx, `
			SELECT i, ST_AsText(ST_AsMVTGeom(ST_Transform(ST_GeomFromText(w, 4326), 3857), ST_TileEnvelope($2, $3, $4), 4096, 64, true))
			FROM unnest($1::text[]) WITH ORDINALITY AS u(w, i) ORDER BY i`, wkts, tl.Z, tl.X, tl.Y)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]string{}
		for rows.Next() {
			var i int
			var s *string
			if err := rows.Scan(&i, &s); err != nil {
				t.Fatal(err)
			}
			if s != nil {
				got[i-1] = *s
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		compared, clipped := 0, 0
		for i, f := range near {
			ours := tiles.TileGeometry(f.Geometry, tl, opt)
			pgWKT, ok := got[i]
			var pg orb.Geometry
			if ok {
				if pg, err = wkt.Unmarshal(pgWKT); err != nil {
					t.Fatalf("PostGIS WKT %q: %v", pgWKT, err)
				}
				if len(rings(pg)) == 0 {
					ok = false
				}
			}
			if (ours != nil) != ok {
				t.Errorf("%v feature %d: ours %v, PostGIS %q", tl, f.ID, ours, pgWKT)
				continue
			}
			if !ok {
				continue
			}
			compared++
			if b := ours.Bound(); b.Min[0] == -64 || b.Min[1] == -64 || b.Max[0] == 4160 || b.Max[1] == 4160 {
				clipped++
			}
			or, pr := rings(ours), rings(pg)
			onEdge := func(p orb.Point) bool { return p[0] == -64 || p[0] == 4160 || p[1] == -64 || p[1] == 4160 }
			tol := func(p orb.Point) float64 {
				if onEdge(p) {
					return 4
				}
				return 1
			}
			ourVertex := map[orb.Point]bool{}
			for _, r := range or {
				for _, p := range r {
					ourVertex[p] = true
				}
			}
			for _, r := range pr {
				for _, p := range r {
					// Away from the clip line both sides round the same
					// projected point: the vertices must be identical.
					if !onEdge(p) && !ourVertex[p] {
						t.Errorf("%v feature %d: PostGIS vertex %v is not one of ours %v", tl, f.ID, p, ours)
					}
					if d := distToRings(p, or); d > tol(p) {
						t.Errorf("%v feature %d: PostGIS vertex %v is %.2f units from ours %v", tl, f.ID, p, d, ours)
					}
				}
			}
			for _, r := range or {
				for _, p := range r {
					if d := distToRings(p, pr); d > tol(p) {
						t.Errorf("%v feature %d: our vertex %v is %.2f units from PostGIS %s", tl, f.ID, p, d, pgWKT)
					}
				}
			}
			oa, pa, per := 0.0, 0.0, 0.0
			for _, r := range or {
				oa += ringArea(r)
				for j := 0; j+1 < len(r); j++ {
					per += math.Hypot(r[j][0]-r[j+1][0], r[j][1]-r[j+1][1])
				}
			}
			for _, r := range pr {
				pa += ringArea(r)
			}
			if math.Abs(oa-pa) > per {
				t.Errorf("%v feature %d: area %v, PostGIS %v (perimeter %v)", tl, f.ID, oa, pa, per)
			}
			if oa <= 0 || pa <= 0 {
				t.Errorf("%v feature %d: signed areas ours %v, PostGIS %v: both must be positive (MVT exterior)", tl, f.ID, oa, pa)
			}
		}
		t.Logf("%v: %d features compared with ST_AsMVTGeom, %d of them clipped", tl, compared, clipped)
		if compared < 20 {
			t.Errorf("%v: only %d features compared", tl, compared)
		}
	}
}
