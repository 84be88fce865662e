package parcels

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The history keeps rows as JSON: the row's fields plus "geometry" as GeoJSON.
type (
	parcelJSON struct {
		*Parcel
		Geometry *geojson.Geometry `json:"geometry"`
	}
	buildingJSON struct {
		*Building
		Geometry *geojson.Geometry `json:"geometry"`
	}
	zoneJSON struct {
		*Zone
		Geometry *geojson.Geometry `json:"geometry"`
	}
)

func geomJSON(g orb.MultiPolygon) *geojson.Geometry {
	if len(g) == 0 {
		return nil
	}
	return geojson.NewGeometry(g)
}

// EncodeRow encodes a *Parcel, *Building or *Zone with its geometry, as kept in the history.
func EncodeRow(row any) (json.RawMessage, error) {
	switch r := row.(type) {
	case *Parcel:
		return json.Marshal(parcelJSON{r, geomJSON(r.Geometry)})
	case *Building:
		return json.Marshal(buildingJSON{r, geomJSON(r.Geometry)})
	case *Zone:
		return json.Marshal(zoneJSON{r, geomJSON(r.Geometry)})
	}
	return nil, fmt.Errorf("parcels.EncodeRow: unsupported row %T", row)
}

func multiPolygon(g *geojson.Geometry) (orb.MultiPolygon, error) {
	if g == nil {
		return nil, nil
	}
	switch v := g.Geometry().(type) {
	case orb.MultiPolygon:
		return v, nil
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	}
	return nil, fmt.Errorf("geometry is a %s, not a polygon", g.Type)
}

// DecodeParcel decodes a parcel encoded by EncodeRow.
func DecodeParcel(b []byte) (*Parcel, error) {
	v := parcelJSON{Parcel: new(Parcel)}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	g, err := multiPolygon(v.Geometry)
	v.Parcel.Geometry = g
	return v.Parcel, err
}

// DecodeBuilding decodes a building encoded by EncodeRow.
func DecodeBuilding(b []byte) (*Building, error) {
	v := buildingJSON{Building: new(Building)}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	g, err := multiPolygon(v.Geometry)
	v.Building.Geometry = g
	return v.Building, err
}

// DecodeZone decodes a zone encoded by EncodeRow.
func DecodeZone(b []byte) (*Zone, error) {
	v := zoneJSON{Zone: new(Zone)}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	g, err := multiPolygon(v.Geometry)
	v.Zone.Geometry = g
	return v.Zone, err
}
