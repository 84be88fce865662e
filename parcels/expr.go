package parcels

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// Expr is a filter over a row's properties (see Queryables) and geometry.
// The API turns simple filters and CQL2 text into an Expr; each store
// evaluates it (PostGIS by translating it to SQL, the GeoPackage store with
// Match). Values are string, float64 or bool; dates are compared as
// "YYYY-MM-DD" strings.
type Expr interface{ isExpr() }

type (
	// And holds when every part holds (true when empty).
	And []Expr
	// Or holds when any part holds (false when empty).
	Or []Expr
	// Not negates X.
	Not struct{ X Expr }
	// Compare is Prop Op Value with Op one of = <> < <= > >=.
	Compare struct {
		Prop  string
		Op    string
		Value any
	}
	// Like matches a string property against a pattern with % (any run) and
	// _ (one character); \ escapes. Case-sensitive, as in CQL2.
	Like struct {
		Prop, Pattern string
	}
	// In holds when the property equals one of Values.
	In struct {
		Prop   string
		Values []any
	}
	// Between holds when Lo ≤ property ≤ Hi.
	Between struct {
		Prop   string
		Lo, Hi any
	}
	// IsNull holds when a text or date property is unset ("") or parcel_id
	// is 0 (no parcel); numbers are never null (0 is a value), in every store.
	IsNull struct{ Prop string }
	// Intersects holds when the row's geometry intersects Geometry (lon/lat).
	Intersects struct{ Geometry orb.Geometry }
)

func (And) isExpr()        {}
func (Or) isExpr()         {}
func (Not) isExpr()        {}
func (Compare) isExpr()    {}
func (Like) isExpr()       {}
func (In) isExpr()         {}
func (Between) isExpr()    {}
func (IsNull) isExpr()     {}
func (Intersects) isExpr() {}

// Property types of the queryables.
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeDate    = "date"
)

var queryables = map[Kind]map[string]string{
	KindParcel: {
		"id": TypeInteger, "version": TypeInteger, "updated_by": TypeString,
		"code": TypeString, "name": TypeString, "owner": TypeString, "land_use": TypeString,
		"land_source": TypeString, "lease_start": TypeDate, "lease_end": TypeDate,
		"registered_area_m2": TypeNumber, "status": TypeString, "town": TypeString,
		"area_m2": TypeNumber, "area_mu": TypeNumber, "ellipsoidal_area_m2": TypeNumber,
		"footprint_area_m2": TypeNumber, "floor_area_m2": TypeNumber,
		"building_density": TypeNumber, "plot_ratio": TypeNumber, "building_count": TypeInteger,
	},
	KindBuilding: {
		"id": TypeInteger, "version": TypeInteger, "updated_by": TypeString,
		"parcel_id": TypeInteger, "name": TypeString, "use": TypeString, "floors": TypeInteger,
		"height_m": TypeNumber, "declared_floor_area_m2": TypeNumber,
		"footprint_area_m2": TypeNumber, "floor_area_m2": TypeNumber,
	},
	KindZone: {
		"id": TypeInteger, "version": TypeInteger, "updated_by": TypeString,
		"name": TypeString, "status": TypeString, "note": TypeString,
		"area_m2": TypeNumber, "members_area_m2": TypeNumber, "pieces_area_m2": TypeNumber,
	},
}

// Queryables returns the filterable properties of a kind and their types.
// Stores must support every one of them in Expr.
func Queryables(k Kind) map[string]string { return queryables[k] }

// CheckExpr verifies that every property e names is a queryable of kind k and
// that values fit their types, so stores can trust the expression.
func CheckExpr(k Kind, e Expr) error {
	q := queryables[k]
	var check func(Expr) error
	prop := func(name string, vals ...any) error {
		t, ok := q[name]
		if !ok {
			return Errorf(EINVALID, fmt.Sprintf("无法按属性 %q 过滤", name),
				"cannot filter %s on %q: not a queryable (see /queryables)", k, name)
		}
		for _, v := range vals {
			switch v.(type) {
			case float64:
				if t == TypeString || t == TypeDate {
					return Errorf(EINVALID, fmt.Sprintf("属性 %q 是文本，不能与数字比较", name), "%q is a %s and cannot be compared with a number", name, t)
				}
			case string:
				if t == TypeNumber || t == TypeInteger {
					return Errorf(EINVALID, fmt.Sprintf("属性 %q 是数值，不能与文本比较", name), "%q is a %s and cannot be compared with text", name, t)
				}
			case bool:
				return Errorf(EINVALID, fmt.Sprintf("属性 %q 不能与布尔值比较", name), "%q cannot be compared with a boolean", name)
			default:
				return Errorf(EINVALID, "不支持的值类型", "unsupported value %v (%T) for %q", v, v, name)
			}
		}
		return nil
	}
	check = func(e Expr) error {
		switch e := e.(type) {
		case nil:
			return nil
		case And:
			for _, x := range e {
				if err := check(x); err != nil {
					return err
				}
			}
		case Or:
			for _, x := range e {
				if err := check(x); err != nil {
					return err
				}
			}
		case Not:
			return check(e.X)
		case Compare:
			switch e.Op {
			case "=", "<>", "<", "<=", ">", ">=":
			default:
				return Errorf(EINVALID, "不支持的比较运算符 "+e.Op, "unsupported comparison operator %q", e.Op)
			}
			return prop(e.Prop, e.Value)
		case Like:
			return prop(e.Prop, e.Pattern)
		case In:
			return prop(e.Prop, e.Values...)
		case Between:
			return prop(e.Prop, e.Lo, e.Hi)
		case IsNull:
			return prop(e.Prop)
		case Intersects:
			if e.Geometry == nil {
				return Errorf(EINVALID, "空间过滤缺少几何", "S_INTERSECTS needs a geometry")
			}
		default:
			return Errorf(EINVALID, "不支持的过滤表达式", "unsupported filter %T", e)
		}
		return nil
	}
	return check(e)
}

// Props returns the queryable properties of a parcel, building or zone, for Match.
func Props(row any) map[string]any {
	switch r := row.(type) {
	case *Parcel:
		return map[string]any{
			"id": float64(r.ID), "version": float64(r.Version), "updated_by": r.UpdatedBy,
			"code": r.Code, "name": r.Name, "owner": r.Owner, "land_use": r.LandUse,
			"land_source": string(r.LandSource), "lease_start": r.LeaseStart.String(), "lease_end": r.LeaseEnd.String(),
			"registered_area_m2": r.RegisteredAreaM2, "status": string(r.Status), "town": r.Town,
			"area_m2": r.AreaM2, "area_mu": r.AreaMu, "ellipsoidal_area_m2": r.EllipsoidalAreaM2,
			"footprint_area_m2": r.FootprintAreaM2, "floor_area_m2": r.FloorAreaM2,
			"building_density": r.BuildingDensity, "plot_ratio": r.PlotRatio, "building_count": float64(r.BuildingCount),
		}
	case *Building:
		return map[string]any{
			"id": float64(r.ID), "version": float64(r.Version), "updated_by": r.UpdatedBy,
			"parcel_id": float64(r.ParcelID), "name": r.Name, "use": string(r.Use), "floors": float64(r.Floors),
			"height_m": r.HeightM, "declared_floor_area_m2": r.DeclaredFloorAreaM2,
			"footprint_area_m2": r.FootprintAreaM2, "floor_area_m2": r.FloorAreaM2,
		}
	case *Zone:
		return map[string]any{
			"id": float64(r.ID), "version": float64(r.Version), "updated_by": r.UpdatedBy,
			"name": r.Name, "status": string(r.Status), "note": r.Note,
			"area_m2": r.AreaM2, "members_area_m2": r.MembersAreaM2, "pieces_area_m2": r.PiecesAreaM2,
		}
	}
	panic(fmt.Sprintf("parcels.Props: unsupported row %T", row))
}

// Match evaluates e against a row's properties (from Props) and geometry.
// A nil Expr matches everything. Null semantics are simplified: an unset
// value compares as "" or 0.
func Match(e Expr, props map[string]any, g orb.MultiPolygon) bool {
	switch e := e.(type) {
	case nil:
		return true
	case And:
		for _, x := range e {
			if !Match(x, props, g) {
				return false
			}
		}
		return true
	case Or:
		for _, x := range e {
			if Match(x, props, g) {
				return true
			}
		}
		return false
	case Not:
		return !Match(e.X, props, g)
	case Compare:
		c, ok := compare(props[e.Prop], e.Value)
		if !ok {
			return false
		}
		switch e.Op {
		case "=":
			return c == 0
		case "<>":
			return c != 0
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		}
		return false
	case Like:
		s, ok := props[e.Prop].(string)
		return ok && likeRegexp(e.Pattern).MatchString(s)
	case In:
		for _, v := range e.Values {
			if c, ok := compare(props[e.Prop], v); ok && c == 0 {
				return true
			}
		}
		return false
	case Between:
		lo, ok1 := compare(props[e.Prop], e.Lo)
		hi, ok2 := compare(props[e.Prop], e.Hi)
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case IsNull:
		switch v := props[e.Prop].(type) {
		case string:
			return v == ""
		case float64:
			return v == 0 && (e.Prop == "parcel_id")
		}
		return props[e.Prop] == nil
	case Intersects:
		return geo.Intersects(e.Geometry, g)
	}
	return false
}

func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	}
	return 0, false
}

// likeCache keeps compiled LIKE patterns: Match runs once per row, and a
// List over 100,000 rows must not compile the same pattern 100,000 times.
// Bounded, so hostile queries cannot grow it without limit.
var likeCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

// likeRegexp translates a CQL2 LIKE pattern into an anchored regexp.
func likeRegexp(p string) *regexp.Regexp {
	likeCache.Lock()
	defer likeCache.Unlock()
	if re, ok := likeCache.m[p]; ok {
		return re
	}
	re := compileLike(p)
	if likeCache.m == nil || len(likeCache.m) >= 1024 {
		likeCache.m = map[string]*regexp.Regexp{}
	}
	likeCache.m[p] = re
	return re
}

func compileLike(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
