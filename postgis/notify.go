package postgis

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"landplan/parcels"
)

// channel is the NOTIFY channel of committed writes.
const channel = "landplan_changes"

// Change tells that a committed write changed a row: what a tile cache needs
// to drop stale tiles.
type Change struct {
	Kind parcels.Kind
	// ID is the row, or 0 when one write changed more rows of Kind than
	// are worth naming (a bulk import); BBox then covers them all.
	ID int64
	Op parcels.Op
	// BBox covers the row's geometry before and after the write (lon/lat);
	// the zero Bound when the row has no geometry.
	BBox orb.Bound
}

type changeJSON struct {
	Kind parcels.Kind `json:"kind"`
	ID   int64        `json:"id"`
	Op   parcels.Op   `json:"op"`
	BBox [4]float64   `json:"bbox"` // minLon, minLat, maxLon, maxLat
}

// MarshalJSON writes the NOTIFY payload, e.g.
// {"kind":"parcel","id":7,"op":"update","bbox":[121.1,28.8,121.2,28.9]}.
func (c Change) MarshalJSON() ([]byte, error) {
	return json.Marshal(changeJSON{c.Kind, c.ID, c.Op, [4]float64{c.BBox.Min[0], c.BBox.Min[1], c.BBox.Max[0], c.BBox.Max[1]}})
}

// UnmarshalJSON reads a NOTIFY payload.
func (c *Change) UnmarshalJSON(b []byte) error {
	var v changeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Change{Kind: v.Kind, ID: v.ID, Op: v.Op, BBox: orb.Bound{Min: orb.Point{v.BBox[0], v.BBox[1]}, Max: orb.Point{v.BBox[2], v.BBox[3]}}}
	return nil
}

// Changes listens on landplan_changes with a connection of its own (not
// one of the pool's) and delivers every change committed from the moment
// it returns, by any process writing to this database. The channel is
// closed when ctx ends or the connection fails; a consumer that must not
// miss changes (a tile cache) then drops everything and listens again.
func (db *DB) Changes(ctx context.Context) (<-chan Change, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, translate(ctx, err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		conn.Close(context.Background())
		return nil, translate(ctx, err)
	}
	out := make(chan Change, 64)
	go func() {
		defer close(out)
		defer conn.Close(context.Background())
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				return
			}
			var c Change
			if err := json.Unmarshal([]byte(n.Payload), &c); err != nil {
				continue // not ours: someone else NOTIFYing on the channel
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

func (c Change) String() string {
	return fmt.Sprintf("%s %d %s %v", c.Kind, c.ID, c.Op, c.BBox)
}
