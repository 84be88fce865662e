package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"landplan/geo"
	"landplan/parcels"
)

// API-level error codes, beside the domain codes of parcels (ENOTFOUND …).
// They travel in a *parcels.Error like the domain ones, so every error of a
// request goes through the one table below.
const (
	codeBadRequest           = "bad_request"
	codePreconditionRequired = "precondition_required"
	codePreconditionFailed   = "precondition_failed"
	codeTooLarge             = "too_large"
	codeMethodNotAllowed     = "method_not_allowed"
	codeNotAcceptable        = "not_acceptable"
	codeUnsupportedMedia     = "unsupported_media_type"
	codeUnavailable          = "unavailable"
	codeDuplicate            = "duplicate" // a create that collides with a live row
)

// problemKinds is the one table from error codes to HTTP statuses and titles.
// A stale version (ECONFLICT) is 412 because our versions travel in
// If-Match; a create that collides is reported as codeDuplicate (409).
var problemKinds = map[string]struct {
	status    int
	title, zh string
}{
	parcels.ENOTFOUND:        {http.StatusNotFound, "Not found", "未找到"},
	parcels.ECONFLICT:        {http.StatusPreconditionFailed, "Changed by someone else", "已被他人修改"},
	parcels.EINVALID:         {http.StatusUnprocessableEntity, "Invalid input", "输入无效"},
	parcels.EINUSE:           {http.StatusConflict, "Still in use", "仍在使用中"},
	parcels.EUNAUTHORIZED:    {http.StatusUnauthorized, "Authentication required", "需要身份验证"},
	parcels.EFORBIDDEN:       {http.StatusForbidden, "Not allowed for your role", "您的角色无此权限"},
	parcels.EINTERNAL:        {http.StatusInternalServerError, "Internal error", "服务器内部错误"},
	codeBadRequest:           {http.StatusBadRequest, "Bad request", "请求有误"},
	codePreconditionRequired: {http.StatusPreconditionRequired, "If-Match required", "缺少 If-Match"},
	codePreconditionFailed:   {http.StatusPreconditionFailed, "Changed by someone else", "已被他人修改"},
	codeTooLarge:             {http.StatusRequestEntityTooLarge, "Request body too large", "请求体过大"},
	codeMethodNotAllowed:     {http.StatusMethodNotAllowed, "Method not allowed", "不支持该请求方法"},
	codeNotAcceptable:        {http.StatusNotAcceptable, "Not acceptable", "无法提供所请求的格式"},
	codeUnsupportedMedia:     {http.StatusUnsupportedMediaType, "Unsupported media type", "不支持的内容类型"},
	codeUnavailable:          {http.StatusServiceUnavailable, "Service unavailable", "服务暂不可用"},
	codeDuplicate:            {http.StatusConflict, "Already exists", "已存在"},
}

// problemTypeBase prefixes the problem type URIs: each code is a fragment of
// one documentation page served with the OpenAPI document.
const problemTypeBase = "urn:landplan:problem:"

// statusOf returns the HTTP status for an error code.
func statusOf(code string) int {
	if k, ok := problemKinds[code]; ok {
		return k.status
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details document with our extensions.
type problem struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail,omitempty"`
	Instance  string        `json:"instance,omitempty"`
	Code      string        `json:"code"`
	RequestID string        `json:"request_id,omitempty"`
	Errors    []problemItem `json:"errors,omitempty"`
}

// problemItem is one finding, e.g. one geometry problem of one feature.
// Polygon, ring and vertex are 0-based (the messages count from 1).
type problemItem struct {
	Feature string      `json:"feature,omitempty"`
	Code    string      `json:"code,omitempty"`
	Polygon *int        `json:"polygon,omitempty"`
	Ring    *int        `json:"ring,omitempty"`
	Vertex  *int        `json:"vertex,omitempty"`
	Point   *[2]float64 `json:"point,omitempty"`
	Fixable bool        `json:"fixable,omitempty"`
	Detail  string      `json:"detail"`
}

// apiErr builds an API-level error with both languages.
func apiErr(code, zh, en string, args ...any) *parcels.Error {
	return &parcels.Error{Code: code, Message: fmt.Sprintf(en, args...), MessageZH: fmt.Sprintf(zh, args...)}
}

// lang picks "zh" or "en" from Accept-Language: the highest-q tag of the two
// wins; Chinese when neither is named.
func lang(r *http.Request) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var l string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

func pick(l, zh, en string) string {
	if l == "en" || zh == "" {
		return en
	}
	return zh
}

// problemFor turns any error into the problem document a client sees. Domain
// errors carry messages safe to show; anything else becomes a 500 whose
// detail says only that the request id is in the logs.
func problemFor(err error, l string) problem {
	var pe *parcels.Error
	var mbe *http.MaxBytesError
	var be *batchErr
	switch {
	case errors.As(err, &be):
		return batchProblem(be, l)
	case errors.As(err, &mbe):
		pe = apiErr(codeTooLarge, "请求体超过上限 %d 字节；请拆分后分批提交", "the request body is larger than the limit of %d bytes; split it into smaller requests", mbe.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		pe = apiErr(codeUnavailable, "请求处理超时，请稍后重试或缩小查询范围", "the request timed out; retry later or ask for less")
	case errors.As(err, &pe) && pe.Code != parcels.EINTERNAL:
	default:
		pe = apiErr(parcels.EINTERNAL, "服务器内部错误；请把请求编号告知管理员", "internal error; tell the administrator the request id")
	}
	k, ok := problemKinds[pe.Code]
	if !ok {
		k = problemKinds[parcels.EINTERNAL]
	}
	p := problem{
		Type:   problemTypeBase + pe.Code,
		Title:  pick(l, k.zh, k.title),
		Status: k.status,
		Detail: pick(l, pe.MessageZH, pe.Message),
		Code:   pe.Code,
	}
	if pe.Feature != "" {
		if l == "en" {
			p.Detail = "feature " + pe.Feature + ": " + p.Detail
		} else {
			p.Detail = "要素 " + pe.Feature + "：" + p.Detail
		}
	}
	for _, gp := range pe.Problems {
		p.Errors = append(p.Errors, geoItem(pe.Feature, gp, l))
	}
	return p
}

func batchProblem(be *batchErr, l string) problem {
	first := be.items[0]
	k := problemKinds[first.Code]
	if k.status == 0 {
		k = problemKinds[parcels.EINTERNAL]
	}
	p := problem{
		Type:   problemTypeBase + first.Code,
		Title:  pick(l, k.zh, k.title),
		Status: k.status,
		Code:   first.Code,
		Detail: pick(l,
			fmt.Sprintf("%d 个要素被拒绝，未保存任何要素；逐个原因见 errors", len(be.items)),
			fmt.Sprintf("%d features were refused and nothing was stored; see errors for each", len(be.items))),
	}
	for _, it := range be.items {
		if len(it.Problems) == 0 {
			p.Errors = append(p.Errors, problemItem{Feature: it.Feature, Code: it.Code, Detail: pick(l, it.MessageZH, it.Message)})
		}
		for _, gp := range it.Problems {
			p.Errors = append(p.Errors, geoItem(it.Feature, gp, l))
		}
	}
	return p
}

func geoItem(feature string, gp geo.Problem, l string) problemItem {
	it := problemItem{Feature: feature, Code: gp.Code, Fixable: gp.Fixable, Detail: pick(l, gp.MessageZH, gp.Message)}
	pol, ring := gp.Polygon, gp.Ring
	it.Polygon, it.Ring = &pol, &ring
	if gp.Vertex >= 0 {
		v := gp.Vertex
		it.Vertex = &v
	}
	if gp.Point[0] != 0 || gp.Point[1] != 0 {
		pt := [2]float64(gp.Point)
		it.Point = &pt
	}
	return it
}

// writeProblem answers with a problem document and logs what the client
// does not see: the internal error text, with the request id.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	l := lang(r)
	p := problemFor(err, l)
	p.Instance = r.URL.Path
	p.RequestID = requestID(r.Context())
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", p.RequestID, "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", p.RequestID, "status", p.Status, "err", err)
	}
	switch p.Status {
	case http.StatusUnauthorized:
		var it invalidToken
		if errors.As(err, &it) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="landplan", error="invalid_token"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="landplan"`)
		}
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", map[string]string{"zh": "zh-CN", "en": "en"}[l])
	w.Header().Add("Vary", "Accept-Language")
	w.Header().Del("ETag")
	w.Header().Del("Content-Crs")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// invalidToken marks a 401 for a token that was sent but is unknown,
// revoked or malformed (RFC 6750 error="invalid_token").
type invalidToken struct{ err *parcels.Error }

func (e invalidToken) Error() string { return e.err.Error() }
func (e invalidToken) Unwrap() error { return e.err }

// problemCodes lists the codes in a stable order (for the OpenAPI document).
func problemCodes() []string {
	var cs []string
	for c := range problemKinds {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}
