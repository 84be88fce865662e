package parcels

import (
	"context"

	"github.com/paulmach/orb"
)

// Store is the contract of every storage adapter (PostGIS, GeoPackage). The
// conformance suite in parcels/storetest checks every promise written here.
//
// Common rules:
//   - ctx first; a cancelled ctx aborts the work and rolls back.
//   - actor names who made a write; it is recorded in Meta.UpdatedBy and the history.
//   - Every write is one transaction: it is acknowledged only after commit, and a
//     failed write (of one row or a batch) leaves nothing behind.
//   - Geometries go through Normalize before anything is written: fixable
//     problems (orientation, repeated vertices) are repaired, any other gives
//     EINVALID carrying the problems; nothing is written.
//   - Derived values are computed with the store's Deriver in the same
//     transaction as the write that changes their inputs: a parcel's areas when
//     its geometry changes; a building's parcel (the live parcel it overlaps most),
//     footprint and floor area when it changes; a parcel's footprint, floor area,
//     density, plot ratio and building count when the parcel or any building on
//     it (before or after the write) changes; a zone's geometry and areas when it
//     is written or when the geometry of one of its members changes. Recomputing another row's derived values bumps that row's
//     version and is recorded in the history (OpUpdate, actor of the write).
//   - Returned rows are complete: Meta, fields, geometry and derived values,
//     exactly as a later Get returns them.
//   - Deleted rows are soft-deleted: Get and List no longer return them, the
//     history keeps them, Restore can bring a version back.
type Store interface {
	// CreateParcel stores p (its Meta is ignored) as version 1 and returns the stored row.
	// Returns EINVALID for bad geometry or fields.
	CreateParcel(ctx context.Context, p *Parcel, actor string) (*Parcel, error)
	// CreateParcels stores all of ps in one transaction (a bulk path such as COPY
	// where the store has one) or none of them; returns the stored rows in input
	// order. An EINVALID error names the failing feature by its 0-based index
	// in Error.Feature ("#12").
	CreateParcels(ctx context.Context, ps []*Parcel, actor string) ([]*Parcel, error)
	// GetParcel returns ENOTFOUND when the parcel does not exist or was deleted.
	GetParcel(ctx context.Context, id int64) (*Parcel, error)
	// UpdateParcel replaces the parcel p.ID with p's fields and geometry.
	// p.Version must be the current version, else ECONFLICT; ENOTFOUND when
	// missing or deleted; EINVALID for bad input.
	UpdateParcel(ctx context.Context, p *Parcel, actor string) (*Parcel, error)
	// DeleteParcel soft-deletes the parcel at the given version (ECONFLICT when
	// stale, ENOTFOUND when missing, EINUSE naming the zones when a live zone
	// lists it as a member: a zone must not lose land silently). Buildings on
	// it are reassigned.
	DeleteParcel(ctx context.Context, id, version int64, actor string) error
	// ListParcels returns one page of live parcels in ascending id order.
	ListParcels(ctx context.Context, q Query) (Page[*Parcel], error)

	CreateBuilding(ctx context.Context, b *Building, actor string) (*Building, error)
	CreateBuildings(ctx context.Context, bs []*Building, actor string) ([]*Building, error)
	GetBuilding(ctx context.Context, id int64) (*Building, error)
	UpdateBuilding(ctx context.Context, b *Building, actor string) (*Building, error)
	DeleteBuilding(ctx context.Context, id, version int64, actor string) error
	ListBuildings(ctx context.Context, q Query) (Page[*Building], error)
	// BuildingsOnParcel returns the live buildings whose ParcelID is parcelID, by id.
	BuildingsOnParcel(ctx context.Context, parcelID int64) ([]*Building, error)

	// CreateZone stores a zone. Members must be live parcels, each listed once
	// (EINVALID naming the id otherwise); piece ids must be unique within the zone.
	CreateZone(ctx context.Context, z *Zone, actor string) (*Zone, error)
	GetZone(ctx context.Context, id int64) (*Zone, error)
	UpdateZone(ctx context.Context, z *Zone, actor string) (*Zone, error)
	DeleteZone(ctx context.Context, id, version int64, actor string) error
	ListZones(ctx context.Context, q Query) (Page[*Zone], error)

	// History lists every change of one row, oldest first (ENOTFOUND when the
	// row never existed).
	History(ctx context.Context, kind Kind, id int64) ([]Change, error)
	// Restore writes back the row as it was at version (which must exist in its
	// history) as a new version; current must be the current version (ECONFLICT
	// otherwise). A deleted row is undeleted. Derived values are recomputed.
	Restore(ctx context.Context, kind Kind, id, version, current int64, actor string) error

	// CreateToken stores t (Hash, Name, Role) and returns it with ID and CreatedAt.
	CreateToken(ctx context.Context, t Token) (Token, error)
	// TokenByHash returns the unrevoked token with this hash, or ENOTFOUND.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks the token revoked (ENOTFOUND when missing).
	RevokeToken(ctx context.Context, id int64) error

	// Ping reports whether the store is reachable (for /readyz).
	Ping(ctx context.Context) error
	Close() error
}

// Query selects rows of a List call. All set conditions must hold.
type Query struct {
	// BBox keeps rows whose geometry intersects the lon/lat box (not just its bounds).
	BBox *orb.Bound
	// Intersects keeps rows whose geometry intersects this lon/lat geometry.
	Intersects orb.Geometry
	// Where is a property filter (the API's simple filters and CQL2 both become one).
	Where Expr
	// After keeps ids > After (keyset paging forward).
	After int64
	// Before keeps ids < Before; with Before set, the page is the last Limit
	// such rows, still returned in ascending order (the "prev" link).
	Before int64
	// Limit is the page size; 0 means 100. Stores cap it at 10,000.
	Limit int
}

// Page is one page of a List call.
type Page[T any] struct {
	Items []T
	// NumberMatched counts all rows matching the query's conditions
	// (BBox, Intersects, Where), regardless of After, Before and Limit.
	NumberMatched int64
	// NextAfter is the After of the next page, 0 when this is the last page.
	NextAfter int64
	// PrevBefore is the Before of the previous page, 0 when this is the first page.
	PrevBefore int64
}

// DefaultLimit and MaxLimit bound a page.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// PageLimit normalises a requested limit.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}
