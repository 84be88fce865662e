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
