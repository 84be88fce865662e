package planning

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/geojson"

	"landplan/internal/testdb"
)

// TestRealShapesPostGISLive asks a live PostGIS for the area of the union of
// members and included pieces (detected ones too) of real blocks, and
// compares it with merged_area_m2. It skips without a test database, except
// under CI where it must run.
func TestRealShapesPostGISLive(t *testing.T) {
	url := testdb.URL(t)
	p := mustProfile(t)
	all := loadCambridge(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	const q = `SELECT ST_Area(ST_Transform(ST_SetSRID(ST_Union(ST_GeomFromGeoJSON(g)), 4490), 4549)) FROM unnest($1::text[]) AS t(g)`
	for _, seed := range []int64{1, 120, 333, 600} {
		b := block(all, seed, 30)
		r, err := Leftover(p, LeftoverInput{Members: memberParcels(b), Detect: true, Others: others(all, b)})
		if err != nil {
			t.Fatal(err)
		}
		var gs []string
		for _, m := range b {
			j, _ := json.Marshal(geojson.NewGeometry(m.g))
			gs = append(gs, string(j))
		}
		var members float64
		if err := conn.QueryRow(ctx, q, gs).Scan(&members); err != nil {
			t.Fatal(err)
		}
		for _, pc := range r.Pieces {
			if pc.Included {
				j, _ := json.Marshal(pc.Geometry)
				gs = append(gs, string(j))
			}
		}
		var merged float64
		if err := conn.QueryRow(ctx, q, gs).Scan(&merged); err != nil {
			t.Fatal(err)
		}
		approx(t, "members vs PostGIS", r.MembersAreaM2, members, 1e-3)
		approx(t, "merged vs PostGIS", r.MergedAreaM2, merged, 1e-2)
		t.Logf("block %d: members %.4f (PostGIS %.4f), merged %.4f (PostGIS %.4f), %d pieces", seed, r.MembersAreaM2, members, r.MergedAreaM2, merged, len(r.Pieces))
	}
}
