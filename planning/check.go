package planning

import (
	"fmt"
	"math"
	"strings"

	"landplan/geo"
)

// Status is the outcome of one check.
type Status string

const (
	StatusPass    Status = "pass"
	StatusFail    Status = "fail"
	StatusWarn    Status = "warn"    // broken where the text says "generally" (一般)
	StatusUnknown Status = "unknown" // an input is missing: Missing says which
)

// ZH is the status in Chinese.
func (s Status) ZH() string {
	switch s {
	case StatusPass:
		return "符合"
	case StatusFail:
		return "不符合"
	case StatusWarn:
		return "提示"
	case StatusUnknown:
		return "无法判断"
	}
	return string(s)
}

// Check is one rule applied: the shape every report shares.
//
// Value is what was measured (a number, a date "YYYY-MM-DD", or null when
// unknown); Limit is the threshold (a number, [min, max] for a range, or a
// date). Subjects lists the items that broke the rule (unit ids, parcel ids…).
type Check struct {
	Rule      string   `json:"rule"`
	Clause    string   `json:"clause"`
	Status    Status   `json:"status"`
	Value     any      `json:"value"`
	Limit     any      `json:"limit"`
	Unit      string   `json:"unit,omitempty"`  // "亩", "ratio", "m2", "date", "count", "yuan"
	Basis     string   `json:"basis,omitempty"` // the area basis, for area rules
	Missing   []string `json:"missing,omitempty"`
	Subjects  []string `json:"subjects,omitempty"`
	Message   string   `json:"message"`
	MessageZH string   `json:"message_zh"`
	// Near is set when the value sits within the profile's margin of the
	// limit; EllipsoidalValue then gives the value on the other area basis.
	Near             bool     `json:"near_threshold,omitempty"`
	EllipsoidalValue *float64 `json:"ellipsoidal_value,omitempty"`
}

// unknown returns a check that cannot be decided, naming what is missing.
func unknown(rule string, t Threshold, limit any, unit string, missing ...string) Check {
	return Check{Rule: rule, Clause: t.Clause, Status: StatusUnknown, Limit: limit, Unit: unit, Missing: missing,
		Message:   fmt.Sprintf("%s cannot be checked: missing %s %s", rule, strings.Join(missing, ", "), t.Clause),
		MessageZH: fmt.Sprintf("%s 无法判断：缺少%s，依据%s：%s", ruleZH(rule), missingListZH(missing), t.Clause, t.TextZH)}
}

// missingListZH names missing inputs in Chinese. Missing stays English in
// the JSON (field names and phrases a client can match); the Chinese text
// must not show it.
func missingListZH(missing []string) string {
	zh := make([]string, len(missing))
	for i, m := range missing {
		zh[i] = missingZH(m)
	}
	return strings.Join(zh, "、")
}

// missingZH translates one missing input: an exact phrase, or a phrase
// followed by ids ("entry dates of enterprises a, b").
func missingZH(m string) string {
	if s, ok := missingNamesZH[m]; ok {
		return s
	}
	for _, x := range missingPrefixZH {
		if rest, ok := strings.CutPrefix(m, x.en); ok {
			return fmt.Sprintf(x.zh, strings.ReplaceAll(rest, ", ", "、"))
		}
	}
	if rule, ok := strings.CutSuffix(m, " progress figure"); ok {
		return ruleZH(rule) + "完成数"
	}
	return m
}

var missingNamesZH = map[string]string{
	"units (floor area of each unit for one enterprise)": "单元清单（各单元建筑面积）",
	"dormitory units":                           "职工宿舍单元清单",
	"single rooms (non-suite dormitory units)":  "单间（非成套住宅）清单",
	"suites (dormitory units with suite: true)": "成套住宅清单",
	"dormitory total floor area (declared dormitory_floor_area_m2, or dormitory buildings with floors)": "职工宿舍总建筑面积（申报值，或宿舍楼的层数）",
	"land contract date":                 "土地出让合同签订日期",
	"publicity start date":               "公示开始日期",
	"publicity end date":                 "公示结束日期",
	"enterprise list":                    "入园企业清单",
	"enterprise list with same_industry": "入园企业清单（含是否同行业及上下游）",
	"enterprise list with entry dates":   "入园企业清单（含入园日期）",
	"enterprise list with production_start, per_mu_class and min_per_mu_class": "入园企业清单（含投产日期、亩均效益分类及行业最低标准）",
	"as_of date":                           "核查基准日",
	"park_type (new_land | redevelopment)": "园区类型（招拍挂新建或存量用地改造）",
	"total floor area (declared floor_area_m2, or buildings with floors or declared floor area)": "总建筑面积（申报值，或各建筑的层数或申报建筑面积）",
	"building footprints": "建筑基底轮廓",
	"building uses (use of every building), or declared non_production_land_area_m2, or declared non_production_floor_area_m2 with the total floor area": "各建筑用途，或申报的非生产性用房占地面积，或申报的非生产性用房建筑面积及总建筑面积",
	"non-production floor area (building uses and floor areas, or declared non_production_floor_area_m2)":                                                "非生产性用房建筑面积（各建筑用途与建筑面积，或申报值）",
	"total floor area":                                   "总建筑面积",
	"declared self_held_non_production_m2":               "申报的自持非生产性用房面积",
	"non-production floor area":                          "非生产性用房建筑面积",
	"declared property_office_m2":                        "申报的物业办公用房面积",
	"declared property_business_m2":                      "申报的物业经营用房面积",
	"declared property_office_m2 + property_business_m2": "申报的物业办公用房与物业经营用房面积",
}

var missingPrefixZH = []struct{ en, zh string }{
	{"same_industry of enterprises ", "企业 %s 是否属同行业及上下游"},
	{"entry dates of enterprises ", "企业 %s 的入园日期"},
	{"production_start, per_mu_class and min_per_mu_class of enterprises ", "企业 %s 的投产日期、亩均效益分类及行业最低标准"},
	{"floors or declared floor area of buildings ", "建筑 %s 的层数或申报建筑面积"},
}

// statusOf maps ok to pass or to the threshold's severity.
func statusOf(ok bool, t Threshold) Status {
	if ok {
		return StatusPass
	}
	if t.Severity == StatusWarn {
		return StatusWarn
	}
	return StatusFail
}

// relEps absorbs floating-point noise in comparisons of values that a
// reviewer sees as equal (0.1×10000 vs 1000.00): far below any display digit.
const relEps = 1e-9

// leq reports a ≤ b up to floating-point noise.
func leq(a, b float64) bool { return a <= b+relEps*math.Max(1, math.Abs(b)) }

// geq reports a ≥ b up to floating-point noise.
func geq(a, b float64) bool { return a >= b-relEps*math.Max(1, math.Abs(b)) }

// muLimitM2 is a limit in 亩 as m², rounded to the profile's area precision
// like the areas it is compared with, so a site registered at exactly the
// limit (50 亩 = 33 333.33 m²) meets it.
func (p *Profile) muLimitM2(mu float64) float64 {
	return roundTo(geo.M2FromMu(mu), p.AreaPrecisionM2)
}

// roundTo rounds v to a multiple of step (areas to 0.01 m² before they meet a threshold).
func roundTo(v, step float64) float64 {
	if step <= 0 {
		return v
	}
	return math.Round(v/step) * step
}

// near reports whether v lies within the profile's relative margin of limit.
func (p *Profile) near(v, limit float64) bool {
	if limit == 0 {
		return false
	}
	return math.Abs(v-limit) <= p.NearThresholdRelative*math.Abs(limit)
}

func pct(v float64) string { return fmt.Sprintf("%.2f%%", v*100) }

func ptr(v float64) *float64 { return &v }

// ruleZH names a rule in Chinese for messages and text.
func ruleZH(rule string) string {
	if s, ok := ruleNamesZH[rule]; ok {
		return s
	}
	return rule
}

var ruleNamesZH = map[string]string{
	"site_area":                  "占地面积",
	"plot_ratio":                 "容积率",
	"building_density":           "建筑密度",
	"non_production_land_share":  "非生产性用房占地比例",
	"non_production_floor_share": "非生产性用房建筑面积比例",
	"self_held_share":            "非生产性用房自持比例",
	"property_rooms":             "物业管理用房",
	"property_office_rooms":      "物业办公用房",
	"property_business_rooms":    "物业经营用房",
	"construction_start":         "开工期限",
	"completion_acceptance":      "竣工验收期限",
	"enterprise_count":           "入园企业数量",
	"same_industry_share":        "同行业及上下游企业占比",
	"admission_publicity":        "入园企业公示期",
	"transfer_lock":              "产权转让限制期",
	"per_mu_performance":         "亩均效益",
	"joint_shares":               "联合产权份额",
	"unit_floor_area":            "单个企业建筑面积",
	"dorm_room_area":             "宿舍单间面积",
	"dorm_suite_area":            "宿舍成套住宅单套面积",
	"dorm_suite_share":           "成套住宅面积比例",
	"city_target_quality_parks":  "新增省认定高品质园区",
	"city_target_floor_area":     "新建建筑面积",
	"city_target_enterprises":    "入园企业数",
	"city_target_honoured_parks": "新增省级及以上荣誉园区",
	"leftover_touch":             "与成员宗地相邻",
	"leftover_piece_size":        "单幅面积",
	"leftover_ratio":             "累计面积比例",
	"leftover_within_members":    "位于成员宗地内",
	"lead_industries":            "主导行业数量",
	"maintenance_fund":           "物业专项维修资金",
	"warranty_deposit":           "物业保修金",
}
