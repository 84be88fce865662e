package postgis

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"landplan/parcels"
)

// copyLine finds the 1-based row of a failed COPY in PgError.Where
// ("COPY parcels, line 13"), which names the failing feature of a batch.
var copyLine = regexp.MustCompile(`COPY \w+, line (\d+)`)

// translate turns a driver error into a domain error, once, at the edge of
// the package. Domain errors pass through; a cancelled context stays a
// context error; constraint violations become EINVALID or ECONFLICT with a
// message a person can act on (never SQL text); anything else is wrapped as
// an internal error for the logs.
func translate(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var de *parcels.Error
	if errors.As(err, &de) {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("postgis: %w", ctx.Err())
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("postgis: %w", err)
	}
	feature := ""
	if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil && n > 0 {
			feature = fmt.Sprintf("#%d", n-1)
		}
	}
	var out *parcels.Error
	switch pe.Code {
	case "23505": // unique_violation
		switch pe.ConstraintName {
		case "parcels_code_live":
			out = parcels.Errorf(parcels.EINVALID, "宗地代码已被另一宗在用宗地使用",
				"the parcel code is already used by another live parcel")
		case "tokens_hash_key":
			out = parcels.Errorf(parcels.EINVALID, "该令牌已存在", "a token with this secret already exists")
		default:
			out = parcels.Errorf(parcels.ECONFLICT, "记录已存在（可能被他人同时写入）；请重新加载后再试",
				"the row already exists (perhaps written concurrently); reload and try again")
		}
	case "23514": // check_violation
		switch pe.ConstraintName {
		case "parcels_geom_valid", "buildings_geom_valid", "zones_geom_valid", "zone_pieces_geom_valid":
			out = parcels.Errorf(parcels.EINVALID, "几何未通过数据库有效性检查（ST_IsValid）：请检查自相交、重叠的环或过近的顶点",
				"the geometry fails the database's validity check (ST_IsValid): look for self-intersections, overlapping rings or near-coincident vertices")
		default:
			out = parcels.Errorf(parcels.EINVALID, "数值超出允许范围", "a value is out of its allowed range")
		}
	case "23503": // foreign_key_violation
		out = parcels.Errorf(parcels.EINVALID, "引用了不存在的记录", "the row refers to a row that does not exist")
	case "23502": // not_null_violation
		out = parcels.Errorf(parcels.EINVALID, "缺少必填值", "a required value is missing")
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		out = parcels.Errorf(parcels.ECONFLICT, "与另一项同时进行的修改冲突；请重试", "the write collided with a concurrent write; try again")
	case "22021", "22P05": // character_not_in_repertoire, untranslatable_character (NUL, bad UTF-8)
		out = parcels.Errorf(parcels.EINVALID, "文本含有无法保存的字符（如 NUL 或非法 UTF-8）",
			"a text contains a character that cannot be stored (such as NUL or invalid UTF-8)")
	case "22003", "22P02", "22007", "22008": // numeric out of range, bad text representation, dates
		out = parcels.Errorf(parcels.EINVALID, "数值或日期无法保存", "a number or date cannot be stored")
	case "22025": // invalid_escape_sequence (LIKE)
		out = parcels.Errorf(parcels.EINVALID, "LIKE 模式中的转义无效", "invalid escape in a LIKE pattern")
	default:
		return fmt.Errorf("postgis: %w", err)
	}
	out.Feature = feature
	return out
}

func invalidf(feature, zh, format string, args ...any) *parcels.Error {
	e := parcels.Errorf(parcels.EINVALID, zh, format, args...)
	e.Feature = feature
	return e
}
