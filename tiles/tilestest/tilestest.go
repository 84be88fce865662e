// Package tilestest compares vector tiles made two ways (the Go encoder and
// PostGIS's ST_AsMVT) for tests: the same features, attributes and values;
// geometry equal up to the simplification and snapping each side does.
package tilestest

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// Diff lists how tile b differs from tile a in layer: features present on
// one side only (by id), attribute names, values (numbers to 1e-9, by value
// whatever their MVT type), and polygon areas differing by more than two
// tile units per unit of a's perimeter. Nil when they agree; an error
// decoding either tile is a difference.
func Diff(a, b []byte, layer string) []string {
	la, err := layerOf(a, layer)
	if err != nil {
		return []string{"first tile: " + err.Error()}
	}
	lb, err := layerOf(b, layer)
	if err != nil {
		return []string{"second tile: " + err.Error()}
	}
	var out []string
	if la == nil || lb == nil {
		if (la == nil) != (lb == nil) {
			out = append(out, fmt.Sprintf("layer %s present in one tile only", layer))
		}
		return out
	}
	if la.Extent != lb.Extent {
		out = append(out, fmt.Sprintf("extent %d vs %d", la.Extent, lb.Extent))
	}
	byID := map[float64]int{}
	for i, f := range lb.Features {
		id, _ := num(f.ID)
		byID[id] = i
	}
	seen := map[float64]bool{}
	for _, f := range la.Features {
		id, _ := num(f.ID)
		seen[id] = true
		j, ok := byID[id]
		if !ok {
			out = append(out, fmt.Sprintf("feature %v only in the first tile", f.ID))
			continue
		}
		g := lb.Features[j]
		ka, kb := keys(f.Properties), keys(g.Properties)
		if strings.Join(ka, ",") != strings.Join(kb, ",") {
			out = append(out, fmt.Sprintf("feature %v attributes %v vs %v", f.ID, ka, kb))
			continue
		}
		for _, k := range ka {
			x, y := f.Properties[k], g.Properties[k]
			if xn, ok := num(x); ok {
				if yn, ok := num(y); !ok || math.Abs(xn-yn) > 1e-9*math.Max(1, math.Abs(xn)) {
					out = append(out, fmt.Sprintf("feature %v %s = %v (%T) vs %v (%T)", f.ID, k, x, x, y, y))
				}
			} else if x != y {
				out = append(out, fmt.Sprintf("feature %v %s = %v vs %v", f.ID, k, x, y))
			}
		}
		aa, ab, per := 0.0, 0.0, 0.0
		for _, r := range rings(f.Geometry) {
			aa += ringArea(r)
			for i := 0; i+1 < len(r); i++ {
				per += math.Hypot(r[i][0]-r[i+1][0], r[i][1]-r[i+1][1])
			}
		}
		for _, r := range rings(g.Geometry) {
			ab += ringArea(r)
		}
		if math.Abs(aa-ab) > 2*per || aa == 0 || ab == 0 {
			out = append(out, fmt.Sprintf("feature %v area %.1f vs %.1f (perimeter %.1f)", f.ID, aa, ab, per))
		}
	}
	for _, f := range lb.Features {
		if id, _ := num(f.ID); !seen[id] {
			out = append(out, fmt.Sprintf("feature %v only in the second tile", f.ID))
		}
	}
	return out
}

func layerOf(data []byte, name string) (*mvt.Layer, error) {
	if len(data) == 0 {
		return nil, nil
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.Name == name {
			return l, nil
		}
	}
	return nil, nil
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

func rings(g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		return g
	case orb.MultiPolygon:
		var out []orb.Ring
		for _, p := range g {
			out = append(out, p...)
		}
		return out
	}
	return nil
}

// ringArea is the signed shoelace area in tile units (sign follows MVT's
// y-down orientation: exteriors and holes cancel as they should).
func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
