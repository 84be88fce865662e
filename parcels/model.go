package parcels

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Kind names an entity kind: the collections of the API and the tables of the stores.
type Kind string

const (
	KindParcel   Kind = "parcel"
	KindBuilding Kind = "building"
	KindZone     Kind = "zone"
)

// ZH is the kind's Chinese name.
func (k Kind) ZH() string {
	switch k {
	case KindParcel:
		return "宗地"
	case KindBuilding:
		return "建筑"
	case KindZone:
		return "改造片区"
	}
	return string(k)
}

// LandSource is how the land right was obtained (土地来源).
type LandSource string

const (
	SourceTransferred LandSource = "transferred" // 出让 (granted for a fee)
	SourceAllocated   LandSource = "allocated"   // 划拨 (allocated free: must pay the land price before redevelopment)
	SourceCollective  LandSource = "collective"  // 集体建设用地 (must be expropriated to state land first)
)

// ParcelStatus is a parcel's use status.
type ParcelStatus string

const (
	StatusInUse        ParcelStatus = "in_use"       // 在用
	StatusInefficient  ParcelStatus = "inefficient"  // 低效用地
	StatusRedeveloping ParcelStatus = "redeveloping" // 改造中
	StatusIdle         ParcelStatus = "idle"         // 闲置
)

// BuildingUse classifies a building for the non-production rules of clause (四).
type BuildingUse string

const (
	UseProduction BuildingUse = "production" // 生产
	UseOffice     BuildingUse = "office"     // 办公
	UseDormitory  BuildingUse = "dormitory"  // 宿舍
	UseCanteen    BuildingUse = "canteen"    // 食堂
	UseService    BuildingUse = "service"    // 配套服务
	UseOther      BuildingUse = "other"      // 其他
)

// NonProduction reports whether the use is one of the non-production uses of clause (四):
// office, dormitory, canteen, service.
func (u BuildingUse) NonProduction() bool {
	switch u {
	case UseOffice, UseDormitory, UseCanteen, UseService:
		return true
	}
	return false
}

// ZoneStatus is the state of a merged redevelopment zone.
type ZoneStatus string

const (
	ZoneDraft     ZoneStatus = "draft"     // 草拟
	ZoneSubmitted ZoneStatus = "submitted" // 已报批
	ZoneApproved  ZoneStatus = "approved"  // 已批准
	ZoneRejected  ZoneStatus = "rejected"  // 未通过
)

// Date is a calendar date without time or zone (lease dates). The zero Date
// means unknown and encodes as JSON null.
type Date struct{ time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// ParseDate parses "2006-01-02"; "" gives the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDate(s)
	*d = v
	return err
}

// Meta is what every stored row carries.
type Meta struct {
	ID        int64     `json:"id"`
	Version   int64     `json:"version"` // 1 on create, +1 on every write
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Parcel is a land parcel (宗地).
type Parcel struct {
	Meta
	Code             string           `json:"code"`               // 宗地代码 (19-digit unified code), unique among live parcels when set
	Name             string           `json:"name"`               // 宗地名称 / 项目名称
	Owner            string           `json:"owner"`              // 权利人 (personal: hidden from viewers)
	LandUse          string           `json:"land_use"`           // GB/T 21010 code, e.g. "0601" 工业用地
	LandSource       LandSource       `json:"land_source"`        // 出让 / 划拨 / 集体
	LeaseStart       Date             `json:"lease_start"`        // 出让起始日期
	LeaseEnd         Date             `json:"lease_end"`          // 出让终止日期
	RegisteredAreaM2 float64          `json:"registered_area_m2"` // 登记面积 as registered; 0 = unknown
	Status           ParcelStatus     `json:"status"`             // in_use / inefficient / redeveloping / idle
	Town             string           `json:"town"`               // 镇街
	Attrs            map[string]any   `json:"attrs,omitempty"`    // free attributes
	Geometry         orb.MultiPolygon `json:"-"`                  // CGCS2000 lon/lat
	ParcelDerived
}

// ParcelDerived are the values a store computes (with Deriver) and keeps with
// the row, recomputed in the same transaction when the parcel or a building on
// it changes.
type ParcelDerived struct {
	AreaM2            float64 `json:"area_m2"`             // cadastral plane area in the city's GK zone
	AreaMu            float64 `json:"area_mu"`             // AreaM2 in 亩
	EllipsoidalAreaM2 float64 `json:"ellipsoidal_area_m2"` // land-survey ellipsoidal area
	FootprintAreaM2   float64 `json:"footprint_area_m2"`   // union of building footprints clipped to the parcel
	FloorAreaM2       float64 `json:"floor_area_m2"`       // Σ floor area of the buildings assigned to the parcel
	BuildingDensity   float64 `json:"building_density"`    // FootprintAreaM2 / AreaM2
	PlotRatio         float64 `json:"plot_ratio"`          // FloorAreaM2 / AreaM2
	BuildingCount     int     `json:"building_count"`
}

// Building is a building footprint.
type Building struct {
	Meta
	ParcelID            int64            `json:"parcel_id"` // the live parcel it overlaps most; 0 = none (derived)
	Name                string           `json:"name"`
	Use                 BuildingUse      `json:"use"`
	Floors              int              `json:"floors"`                 // above-ground storeys; 0 = unknown
	HeightM             float64          `json:"height_m"`               // 0 = unknown
	DeclaredFloorAreaM2 float64          `json:"declared_floor_area_m2"` // 0 = not declared
	Attrs               map[string]any   `json:"attrs,omitempty"`
	Geometry            orb.MultiPolygon `json:"-"`
	BuildingDerived
}

// BuildingDerived are a building's computed values.
type BuildingDerived struct {
	FootprintAreaM2 float64 `json:"footprint_area_m2"` // cadastral plane area of the footprint
	FloorAreaM2     float64 `json:"floor_area_m2"`     // declared, else footprint × floors, else 0
}

// Zone is a merged redevelopment zone (联合改造片区): member parcels whose owners
// agree to redevelop jointly, plus leftover pieces (边角地、夹心地) between them.
type Zone struct {
	Meta
	Name    string         `json:"name"`
	Status  ZoneStatus     `json:"status"`
	Members []int64        `json:"members"` // live parcel ids, each once
	Pieces  []Piece        `json:"pieces"`
	Note    string         `json:"note"`
	Attrs   map[string]any `json:"attrs,omitempty"`
	// Geometry is derived: the union of the member parcels and the pieces.
	Geometry orb.MultiPolygon `json:"-"`
	ZoneDerived
}

// ZoneDerived are a zone's computed values.
type ZoneDerived struct {
	AreaM2        float64 `json:"area_m2"`         // plane area of Geometry (members ∪ pieces)
	MembersAreaM2 float64 `json:"members_area_m2"` // plane area of the union of the members
	PiecesAreaM2  float64 `json:"pieces_area_m2"`  // Σ piece areas
}

// Piece is a leftover piece of land in a zone.
type Piece struct {
	ID       string           `json:"id"` // caller's id, unique within the zone
	Name     string           `json:"name"`
	Geometry orb.MultiPolygon `json:"geometry"` // lon/lat
	AreaM2   float64          `json:"area_m2"`  // derived
	AreaMu   float64          `json:"area_mu"`  // derived
	Detected bool             `json:"detected"` // found by gap detection rather than drawn
}

// Role is what a token may do.
type Role string

const (
	RoleEditor  Role = "editor"  // writes (land bureau)
	RolePlanner Role = "planner" // reads, analysis
	RoleViewer  Role = "viewer"  // reads without owner names and personal fields
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleEditor || r == RolePlanner || r == RoleViewer }

// Token is an API token. Only its SHA-256 hash is stored.
type Token struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Hash      string    `json:"-"` // hex SHA-256 of the secret
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Op is a history operation.
type Op string

const (
	OpCreate  Op = "create"
	OpUpdate  Op = "update" // includes derived-value recomputation caused by another row's write
	OpDelete  Op = "delete"
	OpRestore Op = "restore" // an older version written back as a new version
)

// Change is one append-only history record. Before and After are the
// entity's JSON (as encoded by EncodeEntity) or nil for none.
type Change struct {
	Seq     int64           `json:"seq"` // store-wide order
	Kind    Kind            `json:"kind"`
	ID      int64           `json:"id"`
	Version int64           `json:"version"` // the version this change produced
	Op      Op              `json:"op"`
	Actor   string          `json:"actor"`
	At      time.Time       `json:"at"`
	Before  json.RawMessage `json:"before,omitempty"`
	After   json.RawMessage `json:"after,omitempty"`
}
