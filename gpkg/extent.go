package gpkg

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Extent implements api.Extenter from gpkg_contents, which every write keeps
// exact (see wtx.updateExtents): one primary-key lookup, no scan.
func (s *Store) Extent(ctx context.Context, kind parcels.Kind) (orb.Bound, bool, error) {
	t, ok := table[kind]
	if !ok {
		return orb.Bound{}, false, &parcels.Error{Code: parcels.EINVALID,
			Message: "unknown kind " + string(kind), MessageZH: "未知要素类型 " + string(kind)}
	}
	var minx, miny, maxx, maxy sql.NullFloat64
	if err := s.r.QueryRowContext(ctx, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", t).
		Scan(&minx, &miny, &maxx, &maxy); err != nil {
		return orb.Bound{}, false, fmt.Errorf("gpkg: extent of %s: %w", t, err)
	}
	if !minx.Valid || !miny.Valid || !maxx.Valid || !maxy.Valid {
		return orb.Bound{}, false, nil
	}
	return orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}, true, nil
}
