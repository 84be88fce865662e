package tiles

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Source gives the features of a layer whose geometry meets a lon/lat box.
type Source interface {
	Features(ctx context.Context, l *Layer, b orb.Bound) ([]Feature, error)
}

// Renderer is an optional capability of a Source that builds a tile's MVT
// bytes itself, e.g. PostGIS with ST_AsMVTGeom and ST_AsMVT in one query,
// so rows never travel to Go. The Service prefers it to the Go encoder.
//
// RenderTile returns the uncompressed MVT bytes of layer l's tile t for
// view v and the number of features (nil bytes and 0 for an empty tile).
// It must follow the Go encoder's contract: one layer named l.Name with
// extent opt.Extent; geometry clipped to the tile plus opt.Buffer units;
// feature id = row id; exactly the attributes l.FieldsFor(v) with the
// values Layer.FeatureOf gives (rounded alike; empty strings left out);
// features in ascending id, so equal rows give equal bytes (the ETag).
type Renderer interface {
	RenderTile(ctx context.Context, l *Layer, t Tile, v View, opt Options) ([]byte, int, error)
}

// StoreSource reads features through the generic parcels.Store List calls
// with a bbox Query, paging until the last page, so any store (the embedded
// GeoPackage one included) serves tiles with no tile code of its own.
type StoreSource struct {
	Store parcels.Store
}

var _ Source = StoreSource{}

// Features implements Source.
func (s StoreSource) Features(ctx context.Context, l *Layer, b orb.Bound) ([]Feature, error) {
	var out []Feature
	add := func(row any) { out = append(out, l.FeatureOf(row)) }
	q := parcels.Query{BBox: &b, Limit: parcels.MaxLimit}
	for {
		var next int64
		switch l.Kind {
		case parcels.KindParcel:
			p, err := s.Store.ListParcels(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, r := range p.Items {
				add(r)
			}
			next = p.NextAfter
		case parcels.KindBuilding:
			p, err := s.Store.ListBuildings(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, r := range p.Items {
				add(r)
			}
			next = p.NextAfter
		case parcels.KindZone:
			p, err := s.Store.ListZones(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, r := range p.Items {
				add(r)
			}
			next = p.NextAfter
		default:
			return nil, fmt.Errorf("tiles: layer %s has unknown kind %q", l.Name, l.Kind)
		}
		if next == 0 {
			return out, nil
		}
		q.After = next
	}
}
