package gpkg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): a header
//
//	magic "GP" | version 0 | flags | srs_id int32 | envelope
//
// followed by standard (ISO) WKB. flags: bit 0 byte order of the header
// (1 = little endian), bits 1–3 envelope contents (0 none, 1 xy, 2 xyz,
// 3 xym, 4 xyzm), bit 4 empty geometry, bit 5 extended (non-standard) type.

const (
	flagLittleEndian = 1 << 0
	flagEmpty        = 1 << 4
	flagExtended     = 1 << 5
)

// envelopeDoubles is how many float64 each envelope indicator carries.
var envelopeDoubles = [8]int{0, 4, 6, 6, 8, -1, -1, -1}

// ErrBlob is wrapped by every decoding error.
var ErrBlob = errors.New("not a GeoPackage geometry blob")

// EncodeBlob encodes g as a standard GeoPackage geometry blob for srsID, in
// little-endian byte order with an xy envelope [minx, maxx, miny, maxy].
// An empty geometry has the empty flag set and no envelope, as the
// standard asks. A nil geometry encodes as nil (SQL NULL).
func EncodeBlob(g orb.Geometry, srsID int32) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, fmt.Errorf("gpkg: encode %s as WKB: %w", g.GeoJSONType(), err)
	}
	empty := isEmpty(g)
	flags := byte(flagLittleEndian)
	n := 8
	if empty {
		flags |= flagEmpty
	} else {
		flags |= 1 << 1 // xy envelope
		n += 32
	}
	out := make([]byte, n, n+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	if !empty {
		b := g.Bound()
		binary.LittleEndian.PutUint64(out[8:], math.Float64bits(b.Min[0]))
		binary.LittleEndian.PutUint64(out[16:], math.Float64bits(b.Max[0]))
		binary.LittleEndian.PutUint64(out[24:], math.Float64bits(b.Min[1]))
		binary.LittleEndian.PutUint64(out[32:], math.Float64bits(b.Max[1]))
	}
	return append(out, body...), nil
}

// Header is the decoded header of a geometry blob.
type Header struct {
	SRSID int32
	Empty bool
	// Envelope holds minx, maxx, miny, maxy[, minz, maxz][, minm, maxm] as
	// stored (0, 4, 6 or 8 values).
	Envelope []float64
}

// DecodeHeader parses the header of a geometry blob and returns it with the
// offset of the WKB that follows.
func DecodeHeader(b []byte) (Header, int, error) {
	var h Header
	if len(b) < 8 {
		return h, 0, fmt.Errorf("%w: %d bytes, the header alone needs 8", ErrBlob, len(b))
	}
	if b[0] != 'G' || b[1] != 'P' {
		return h, 0, fmt.Errorf("%w: magic is %q, want \"GP\"", ErrBlob, b[:2])
	}
	if b[2] != 0 {
		return h, 0, fmt.Errorf("%w: version %d, only 0 (version 1) is defined", ErrBlob, b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return h, 0, fmt.Errorf("%w: extended (non-standard) geometry types are not supported", ErrBlob)
	}
	if flags&0xC0 != 0 {
		return h, 0, fmt.Errorf("%w: reserved flag bits set (flags %#02x)", ErrBlob, flags)
	}
	var bo binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		bo = binary.LittleEndian
	}
	h.SRSID = int32(bo.Uint32(b[4:]))
	h.Empty = flags&flagEmpty != 0
	n := envelopeDoubles[(flags>>1)&7]
	if n < 0 {
		return h, 0, fmt.Errorf("%w: invalid envelope indicator %d", ErrBlob, (flags>>1)&7)
	}
	end := 8 + 8*n
	if len(b) < end {
		return h, 0, fmt.Errorf("%w: %d bytes, the header with its envelope needs %d", ErrBlob, len(b), end)
	}
	if n > 0 {
		h.Envelope = make([]float64, n)
		for i := range h.Envelope {
			h.Envelope[i] = math.Float64frombits(bo.Uint64(b[8+8*i:]))
		}
	}
	return h, end, nil
}

// DecodeBlob decodes a GeoPackage geometry blob into an orb geometry and its
// SRS id. A nil or empty slice (SQL NULL) gives a nil geometry.
func DecodeBlob(b []byte) (orb.Geometry, int32, error) {
	if len(b) == 0 {
		return nil, 0, nil
	}
	h, off, err := DecodeHeader(b)
	if err != nil {
		return nil, 0, err
	}
	g, err := wkb.Unmarshal(b[off:])
	if err != nil {
		return nil, 0, fmt.Errorf("%w: WKB after the header: %v", ErrBlob, err)
	}
	if h.Empty != isEmpty(g) {
		return nil, 0, fmt.Errorf("%w: the empty flag (%t) disagrees with the WKB", ErrBlob, h.Empty)
	}
	return g, h.SRSID, nil
}

// decodeMultiPolygon decodes a blob that must hold a Polygon or MultiPolygon.
func decodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, _, err := DecodeBlob(b)
	if err != nil {
		return nil, err
	}
	switch v := g.(type) {
	case nil:
		return nil, nil
	case orb.MultiPolygon:
		return v, nil
	case orb.Polygon:
		return orb.MultiPolygon{v}, nil
	}
	return nil, fmt.Errorf("%w: holds a %s, want a (Multi)Polygon", ErrBlob, g.GeoJSONType())
}

// blobBound returns the xy envelope of a blob: from the header when it has
// one, else by decoding the WKB. ok is false for NULL, empty or bad blobs.
func blobBound(b []byte) (orb.Bound, bool) {
	if len(b) == 0 {
		return orb.Bound{}, false
	}
	h, _, err := DecodeHeader(b)
	if err != nil || h.Empty {
		return orb.Bound{}, false
	}
	if len(h.Envelope) >= 4 {
		e := h.Envelope
		return orb.Bound{Min: orb.Point{e[0], e[2]}, Max: orb.Point{e[1], e[3]}}, true
	}
	g, _, err := DecodeBlob(b)
	if err != nil || g == nil || isEmpty(g) {
		return orb.Bound{}, false
	}
	return g.Bound(), true
}

// isEmpty reports whether g has no points at all.
func isEmpty(g orb.Geometry) bool {
	switch v := g.(type) {
	case nil:
		return true
	case orb.Point:
		// WKB has no empty point other than NaN coordinates.
		return math.IsNaN(v[0]) && math.IsNaN(v[1])
	case orb.MultiPoint:
		return len(v) == 0
	case orb.LineString:
		return len(v) == 0
	case orb.MultiLineString:
		for _, l := range v {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.Ring:
		return len(v) == 0
	case orb.Polygon:
		for _, r := range v {
			if len(r) > 0 {
				return false
			}
		}
		return true
	case orb.MultiPolygon:
		for _, p := range v {
			if !isEmpty(p) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, x := range v {
			if !isEmpty(x) {
				return false
			}
		}
		return true
	case orb.Bound:
		return false
	}
	return false
}
