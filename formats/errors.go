package formats

import (
	"fmt"
	"strings"

	"landplan/parcels"
)

// Errors is every problem found in one file: one *parcels.Error per rejected
// feature (Feature set) or per file-level problem (Feature empty). It unwraps
// to its members, so errors.As(err, &*parcels.Error) and parcels.ErrorCode
// see the first one.
type Errors []*parcels.Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d errors: ", len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As and errors.Is look at every member.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Warning is a finding that does not reject the feature: a declared area
// that differs from the computed one, a wrong point count, an assumption the
// reader had to make. Line is 1-based (0 when not about one line).
type Warning struct {
	Code      string `json:"code"`
	Line      int    `json:"line,omitempty"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// Warning codes. They are stable: clients and tests match on them.
const (
	WarnAreaMismatch   = "area_mismatch"      // declared area differs from the computed one beyond max(1 m², 0.05%)
	WarnAreaUnitM2     = "area_unit_m2"       // declared area is in m² although the format says 公顷
	WarnAreaMissing    = "area_missing"       // no declared area (0 or empty)
	WarnAreaUnreadable = "area_unreadable"    // 地块面积 is not a number: ignored
	WarnPointCount     = "point_count"        // 界址点数 differs from the number of coordinate rows
	WarnRepeatedPoint  = "repeated_point"     // a point repeats the previous one; dropped
	WarnEastingFirst   = "easting_first"      // the file writes Y (easting) before X (northing)
	WarnZoneAssumed    = "zone_assumed"       // zone taken from the Y prefix or the configuration, not from 带号
	WarnZoneDiffers    = "zone_differs"       // the file's zone is not the city's configured zone
	WarnCRSAssumed     = "crs_assumed"        // no 坐标系 given: CGCS2000 assumed
	WarnWidthInferred  = "zone_width_assumed" // no 几度分带 given: inferred from the zone number
	WarnNotPolygon     = "not_polygon"        // 记录图形属性 other than 面
	WarnOrderAssumed   = "axis_order_assumed" // no row shows the axis order: X (northing) first assumed
	WarnNameCommas     = "name_commas"        // 地块名称 holds commas; rebuilt from the fixed fields around it
)

func fileError(en, zh string) *parcels.Error {
	return &parcels.Error{Code: parcels.EINVALID, Message: en, MessageZH: zh}
}
