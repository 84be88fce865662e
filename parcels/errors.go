package parcels

import (
	"errors"
	"fmt"
	"strings"

	"landplan/geo"
)

// Error codes: stable, machine-readable, mapped to HTTP statuses in one table by the API.
const (
	ENOTFOUND     = "not_found"    // no such row, or it was deleted
	ECONFLICT     = "conflict"     // stale version: someone else changed the row first
	EINVALID      = "invalid"      // bad input: bad geometry, bad field, unknown member
	EINUSE        = "in_use"       // the row is still referenced: a parcel that is a member of a live zone
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // role too weak
	EINTERNAL     = "internal"     // a fault that is not the caller's
)

// Error is the domain error. Message is safe to show to users (English);
// MessageZH is its Chinese form. Problems carries geometry validation findings.
type Error struct {
	Code      string
	Message   string
	MessageZH string
	Problems  []geo.Problem
	// Feature names the input feature the error is about, when there is one
	// (an index in a batch or import, or an id).
	Feature string
}

func (e *Error) Error() string {
	if e.Feature != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Feature, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// MemberOfZones is the EINUSE error of deleting parcel id while the zones
// zs (id and name, by id) list it as a member.
func MemberOfZones(id int64, zs []Zone) *Error {
	var en, zh []string
	for _, z := range zs {
		en = append(en, fmt.Sprintf("%d (%s)", z.ID, z.Name))
		zh = append(zh, fmt.Sprintf("%d（%s）", z.ID, z.Name))
	}
	return &Error{Code: EINUSE, Feature: fmt.Sprint(id),
		Message:   fmt.Sprintf("parcel %d is a member of zone %s: remove it from the zone before deleting it", id, strings.Join(en, ", ")),
		MessageZH: fmt.Sprintf("宗地 %d 是联合改造片区 %s 的成员宗地：请先将其移出片区，再删除", id, strings.Join(zh, "、"))}
}

// Errorf returns a domain error with an English message; zh is the Chinese message.
func Errorf(code, zh, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), MessageZH: zh}
}

// ErrorCode returns the code of the domain error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound is the error for a missing or deleted row.
func NotFound(kind Kind, id int64) *Error {
	return &Error{Code: ENOTFOUND,
		Message:   fmt.Sprintf("%s %d not found", kind, id),
		MessageZH: fmt.Sprintf("%s %d 不存在或已删除", kind.ZH(), id)}
}

// Conflict is the error for a write based on a stale version.
func Conflict(kind Kind, id, have, current int64) *Error {
	return &Error{Code: ECONFLICT,
		Message:   fmt.Sprintf("%s %d was changed by someone else: you have version %d, the current version is %d; reload and try again", kind, id, have, current),
		MessageZH: fmt.Sprintf("%s %d 已被他人修改：您持有版本 %d，当前版本为 %d；请重新加载后再试", kind.ZH(), id, have, current)}
}
